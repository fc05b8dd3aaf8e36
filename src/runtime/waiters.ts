// Promises the supervisor settles as its units change: "once idle" and "once this holds".

export class Waiters {
  #idle: (() => void)[] = [];
  #until: { done: () => boolean; resolve: () => void }[] = [];

  /** Resolves at once when `idleNow` holds, else at the next `idleNow()`. */
  idle(idleNow: boolean): Promise<void> {
    if (idleNow) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Settles every idle waiter. */
  idleNow(): void {
    const waiters = this.#idle;
    this.#idle = [];
    waiters.forEach((w) => w());
  }

  /** Resolves once `done()` holds; checked now and after every change. */
  until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.#until.push({ done, resolve }));
  }

  /** Something changed: settles the waiters whose condition now holds. */
  changed(): void {
    if (this.#until.length === 0) return;
    const still = this.#until.filter((w) => !w.done());
    const settled = this.#until.filter((w) => !still.includes(w));
    this.#until = still;
    settled.forEach((w) => w.resolve());
  }
}
