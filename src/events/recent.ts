// This run's events, in memory: what `procs why`, the startup analysis and the CI report read in
// the process that runs the project, without waiting for the event log to reach the disk.
// Bounded: past `limit` events the oldest go, except the run's `start` event, which is kept.
import type { ProcsEvent } from './types.js';

export class RecentEvents {
  readonly #limit: number;
  #events: ProcsEvent[] = [];
  #start: ProcsEvent | undefined;
  #dropped = 0;

  constructor(limit = 20_000) {
    this.#limit = Math.max(1, limit);
  }

  /** Usable directly as a bus subscriber. */
  readonly add = (event: ProcsEvent): void => {
    if (event.type === 'start') {
      this.#start = event;
      this.#events = [];
      this.#dropped = 0;
      return;
    }
    this.#events.push(event);
    if (this.#events.length > this.#limit * 1.25) {
      const cut = this.#events.length - this.#limit;
      this.#events.splice(0, cut);
      this.#dropped += cut;
    }
  };

  /** The run's events, oldest first, its `start` event (when seen) first of all. */
  list(): readonly ProcsEvent[] {
    return this.#start ? [this.#start, ...this.#events] : [...this.#events];
  }

  /** Events let go of because there were more than the limit. */
  get dropped(): number {
    return this.#dropped;
  }
}
