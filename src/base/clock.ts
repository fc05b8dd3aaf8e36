// Time as an injected dependency: the real clock in production, a manual one in tests
// (test/helpers/manual-clock.ts), so that backoff, debounce and probe timing are tested in
// milliseconds without real timers.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds, monotonic within a run. */
  now(): number;
  /** Wall-clock milliseconds since the epoch, for times people read (`started_at`, "killing at"). */
  wallNow(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
}

// process.hrtime, not performance.now(): the first use of the `performance` global loads
// perf_hooks and its timing modules, 0.4 MB resident for the project's whole life.
const ORIGIN = process.hrtime.bigint();

/** Monotonic milliseconds since this module loaded: `Clock.now` of the real clock. */
export function monotonicNow(): number {
  return Number(process.hrtime.bigint() - ORIGIN) / 1e6;
}

/** The longest delay Node's timers take; a longer one fires after 1 ms instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  now: monotonicNow,
  wallNow: () => Date.now(),
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

/** A wall-clock time (`Clock.wallNow`) as ISO-8601, the form events and `ps` rows carry. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
