// This run's events, numbered: SEQ counts from 1 in the run (the run's `start` event first), the
// id `RUN.SEQ` of each names its run, so a page that reconnects with the id of the last event it
// saw gets exactly the ones after it, or learns that it must start over (another run, or older
// than what is kept). Pure.
import type { ProcsEvent } from '../events/types.js';

export interface Numbered {
  readonly seq: number;
  readonly event: ProcsEvent;
}

/** What a connection sends first: the events after its Last-Event-ID, or every kept one after a reset. */
export interface Resume {
  readonly resumed: boolean;
  readonly events: readonly Numbered[];
}

/** The run id of a project that began serving at `startedAt` (ISO-8601): its epoch ms in base 36. */
export function runId(startedAt: string | undefined, now: () => number = Date.now): string {
  const t = startedAt === undefined ? NaN : Date.parse(startedAt);
  return (Number.isNaN(t) ? now() : t).toString(36);
}

export class EventRing {
  readonly run: string;
  readonly #limit: number;
  #events: Numbered[] = [];
  #next = 1;
  readonly #listeners = new Set<(e: Numbered) => void>();

  /** `past`: the run's events so far (numbered 1…); at most `limit` are kept. */
  constructor(run: string, past: readonly ProcsEvent[], limit = 20_000) {
    this.run = run;
    this.#limit = Math.max(1, limit);
    for (const e of past) this.#push(e);
  }

  /** Numbers and keeps the next event, and hands it to every listener. */
  readonly add = (event: ProcsEvent): void => {
    const n = this.#push(event);
    for (const fn of this.#listeners) fn(n);
  };

  /** Hears every later event; the returned function stops it. */
  listen(fn: (e: Numbered) => void): () => void {
    this.#listeners.add(fn);
    return () => void this.#listeners.delete(fn);
  }

  /** The id an event is sent with. */
  idOf(n: Numbered): string {
    return `${this.run}.${n.seq}`;
  }

  /** What a connection with this Last-Event-ID (none: a new page) is sent before the live events. */
  resume(lastEventId: string | undefined): Resume {
    const kept = this.#events;
    const m = lastEventId === undefined ? null : /^([0-9a-z]+)\.(\d{1,15})$/.exec(lastEventId.trim());
    if (m !== null && m[1] === this.run) {
      const seq = Number(m[2]);
      const first = kept[0]?.seq ?? this.#next;
      // Every event after `seq` is still kept, and `seq` is not from the future.
      if (seq >= first - 1 && seq < this.#next) return { resumed: true, events: kept.slice(seq - first + 1) };
    }
    return { resumed: false, events: [...kept] };
  }

  /** The events kept, oldest first. */
  list(): readonly Numbered[] {
    return this.#events;
  }

  #push(event: ProcsEvent): Numbered {
    const n = { seq: this.#next++, event };
    this.#events.push(n);
    // Cut in steps, not one at a time: the copy is paid once per quarter of the limit.
    if (this.#events.length > this.#limit * 1.25) this.#events = this.#events.slice(this.#events.length - this.#limit);
    return n;
  }
}
