// Time as an injected dependency: the real clock in production, a manual one in tests, so that
// backoff, debounce and probe timing are tested in milliseconds without real timers.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds, monotonic within a run. */
  now(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
}

/** The longest delay Node's timers take; a longer one fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, fn) {
    // Past MAX_TIMER_MS the wait is chained, one timer after another; an infinite one never fires.
    let t: NodeJS.Timeout | undefined;
    const arm = (left: number): void => {
      if (left > MAX_TIMER_MS) t = setTimeout(() => arm(left - MAX_TIMER_MS), MAX_TIMER_MS);
      else t = setTimeout(fn, left);
    };
    const delay = Number.isNaN(ms) ? 0 : Math.max(0, ms);
    if (delay !== Infinity) arm(delay);
    return { cancel: () => clearTimeout(t) };
  },
};

/** A clock that moves only when told to; timers fire in time order during `advance`. */
export class ManualClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return { cancel: () => this.#timers.delete(id) };
  }

  /** Moves time forward by `ms`, firing due timers in order (timers they set fire too when due). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.#timers) {
        if (t.at < nextAt || (t.at === nextAt && id < nextId)) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId < 0 || nextAt > end) break;
      const timer = this.#timers.get(nextId);
      this.#timers.delete(nextId);
      this.#now = nextAt;
      timer?.fn();
    }
    this.#now = end;
  }

  pending(): number {
    return this.#timers.size;
  }
}
