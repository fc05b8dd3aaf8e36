// A clock for tests: it moves only when told to, so timing is tested without real timers.
import type { Clock, TimerHandle } from '../../src/base/clock.js';

/**
 * A clock that moves only when told to; timers fire in time order during `advance`. Its wall
 * clock starts at `wallStart` (epoch ms, the epoch itself by default) and moves with it.
 */
export class ManualClock implements Clock {
  #now = 0;
  readonly #wallStart: number;
  #seq = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(wallStart = 0) {
    this.#wallStart = wallStart;
  }

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.#wallStart + this.#now;
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
