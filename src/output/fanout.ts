// One output path to several consumers (terminal, log files, the last-lines ring, followers): each
// batch goes to every sink, stamped once, so the log files and the followers (`logs -f`, the
// dashboard, which pages back through the files from a line it got live) give a line one time;
// the producer pauses while any of them is saturated.

import type { OutputBatch } from '../events/types.js';
import { withTime } from '../events/batch.js';
import type { OutputSink } from '../events/sink.js';
import { DrainGroup } from '../base/drain.js';

export class FanOut implements OutputSink {
  readonly #sinks: readonly OutputSink[];
  readonly #group = new DrainGroup();

  readonly #now: () => number;

  constructor(sinks: readonly OutputSink[], now: () => number = Date.now) {
    this.#sinks = [...sinks];
    this.#now = now;
  }

  /** Gives the batch (stamped now, unless it carries its time) to every sink; false when any of them asked to wait. */
  write(batch: OutputBatch): boolean {
    const stamped = batch.at === undefined ? withTime(batch, this.#now()) : batch;
    let ok = true;
    for (const sink of this.#sinks) {
      const accepted = sink.write(stamped);
      this.#group.note(sink, accepted);
      ok &&= accepted;
    }
    return ok;
  }

  /** Calls `fn` once every sink that was saturated has drained. */
  onceDrain(fn: () => void): void {
    this.#group.onceDrain(fn);
  }
}
