// One output path to several consumers (terminal, log files, the last-lines ring): each batch
// goes to every sink; the producer pauses while any of them is saturated.

import type { OutputBatch } from '../events/types.js';
import type { OutputSink } from '../events/sink.js';
import { DrainGroup } from '../base/drain.js';

export class FanOut implements OutputSink {
  readonly #sinks: readonly OutputSink[];
  readonly #group = new DrainGroup();

  constructor(sinks: readonly OutputSink[]) {
    this.#sinks = [...sinks];
  }

  /** Gives the batch to every sink; false when any of them asked to wait. */
  write(batch: OutputBatch): boolean {
    let ok = true;
    for (const sink of this.#sinks) {
      const accepted = sink.write(batch);
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
