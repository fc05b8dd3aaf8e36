// When a watch rule runs: a pure state machine on the injected clock. Changes within `debounce`
// of each other give one run, on the trailing edge; a change during a run queues exactly one
// more run after it; two runs of one rule never overlap. No files and no processes here: the
// owner says what changed (`change`) and when a run is over (`finished`).
import type { Clock, TimerHandle } from '../base/clock.js';

/** What a run is asked to handle. */
export interface RunRequest {
  /** Changed paths (relative, in the order first seen, each once). */
  readonly paths: readonly string[];
  /** True for the run `initial: true` asks for at `up`. */
  readonly initial: boolean;
}

/**
 * `idle`: nothing to do. `waiting`: changes seen, the debounce timer runs. `running`: a run is
 * in progress. `queued`: a run is in progress and changes arrived meanwhile. `closed`: no more runs.
 */
export type SchedulerState = 'idle' | 'waiting' | 'running' | 'queued' | 'closed';

export interface SchedulerOptions {
  readonly clock: Clock;
  readonly debounceMs: number;
  /** Starts a run; the owner calls `finished()` once it is over. */
  readonly onRun: (request: RunRequest) => void;
}

export class RuleScheduler {
  readonly #clock: Clock;
  readonly #debounceMs: number;
  readonly #onRun: (request: RunRequest) => void;
  #state: SchedulerState = 'idle';
  #paths = new Set<string>();
  #initial = false;
  #lastChange = 0;
  #timer: TimerHandle | undefined;
  #runs = 0;

  // A scheduler with nothing pending.
  constructor(opts: SchedulerOptions) {
    this.#clock = opts.clock;
    this.#debounceMs = Math.max(0, opts.debounceMs);
    this.#onRun = opts.onRun;
  }

  /** Where the scheduler is now. */
  get state(): SchedulerState {
    return this.#state;
  }

  /** The changes collected for the next run (none once closed). */
  get pending(): readonly string[] {
    return [...this.#paths];
  }

  /** How many runs have started. */
  get runs(): number {
    return this.#runs;
  }

  /** Records changed paths; the run follows `debounce` after the last change (or after the current run). */
  change(paths: Iterable<string>): void {
    if (this.#state === 'closed') return;
    for (const p of paths) this.#paths.add(p);
    this.#lastChange = this.#clock.now();
    if (this.#state === 'running' || this.#state === 'queued') {
      this.#state = 'queued';
      return;
    }
    this.#state = 'waiting';
    this.#arm();
  }

  /** Asks for a run now, without waiting for `debounce` (the initial run); queued when one is running. */
  runNow(initial = false): void {
    if (this.#state === 'closed') return;
    this.#initial ||= initial;
    if (this.#state === 'running' || this.#state === 'queued') {
      this.#state = 'queued';
      return;
    }
    this.#start();
  }

  /** The current run is over: starts the queued one when its debounce has passed, or waits for it. */
  finished(): void {
    if (this.#state === 'queued') {
      this.#state = 'waiting';
      if (this.#initial || this.#due() <= 0) this.#start();
      else this.#arm();
    } else if (this.#state === 'running') {
      this.#state = 'idle';
    }
  }

  /** No more runs: cancels the timer and forgets pending changes. */
  close(): void {
    this.#state = 'closed';
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#paths.clear();
  }

  // Milliseconds until the trailing edge of the current burst.
  #due(): number {
    return this.#lastChange + this.#debounceMs - this.#clock.now();
  }

  // Sets the timer unless one is set: one timer per burst, re-armed when it fires early.
  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#clock.setTimer(this.#due(), () => {
      this.#timer = undefined;
      if (this.#state !== 'waiting') return;
      if (this.#due() > 0) this.#arm();
      else this.#start();
    });
  }

  // Hands the collected changes to a run.
  #start(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    const request: RunRequest = { paths: [...this.#paths], initial: this.#initial };
    this.#paths = new Set();
    this.#initial = false;
    this.#state = 'running';
    this.#runs += 1;
    this.#onRun(request);
  }
}
