// Unit output for followers (`procs logs -f`, a dashboard): one more sink beside the terminal,
// the log files and the last-lines ring. It never makes a unit wait: each follower's transport
// decides for itself what to do with a reader that is too slow.
import { isEmptyBatch } from '../events/batch.js';
import type { OutputBatch } from '../events/types.js';
import type { OutputSink } from '../events/sink.js';
import type { LiveBatch } from '../control/api.js';

export type LiveListener = (batch: LiveBatch) => void;

export class LiveOutput implements OutputSink {
  #listeners = new Set<LiveListener>();

  /** Adds a follower for every later batch; the returned function removes it. */
  subscribe(fn: LiveListener): () => void {
    this.#listeners.add(fn);
    return () => {
      this.#listeners.delete(fn);
    };
  }

  /** Hands the batch, with its time (now when it has none), to to every follower; never asks the producer to wait. */
  write(batch: OutputBatch): boolean {
    if (this.#listeners.size === 0 || isEmptyBatch(batch)) return true;
    const live: LiveBatch = {
      ts: new Date(batch.at ?? Date.now()).toISOString(),
      unit: batch.unit,
      stream: batch.stream,
      text: batch.text,
      ...(batch.step === undefined ? {} : { step: batch.step }),
    };
    for (const fn of this.#listeners) {
      try {
        fn(live);
      } catch {
        // a follower's failure is its own; the others and the unit carry on
      }
    }
    return true;
  }

  /** Never saturated. */
  onceDrain(fn: () => void): void {
    queueMicrotask(fn);
  }
}

/** A filter for unit names: the names themselves, or the instances of a pool name. */
export function unitFilter(names: readonly string[]): (unit: string) => boolean {
  if (names.length === 0) return () => true;
  const wanted = new Set(names);
  return (unit) => {
    if (wanted.has(unit)) return true;
    const dot = unit.lastIndexOf('.');
    return dot > 0 && wanted.has(unit.slice(0, dot)) && /^\d+$/.test(unit.slice(dot + 1));
  };
}
