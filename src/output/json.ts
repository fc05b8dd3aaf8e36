// The `--json` view: the event stream and unit output as NDJSON on one Writable. Events are
// written as they are; each output line becomes
//   {"ts":"…","unit":"api","type":"output","stream":"stdout","text":"listening on :3000"}
// (`"step":N`, 0-based, is added for a pipeline step's stderr). A batch is one `write` call.

import type { Writable } from 'node:stream';
import type { OutputBatch, ProcsEvent } from '../events/types.js';
import { BatchRenderer } from './batch-renderer.js';

export interface JsonOptions {
  /** Wall-clock milliseconds for output lines' `ts` when a batch has no time of its own (tests pass a fixed clock). */
  readonly now?: () => number;
  /** Told once when the stream fails (EPIPE); output is dropped from then on. */
  readonly onError?: (error: Error) => void;
}

export class JsonRenderer extends BatchRenderer {
  readonly #now: () => number;

  constructor(out: Writable, options: JsonOptions = {}) {
    super(out, options.onError);
    this.#now = options.now ?? Date.now;
  }

  /** Writes one event as one line; usable directly as a bus subscriber. */
  readonly event = (e: ProcsEvent): void => {
    if (this.drain.dead) return;
    this.out.write(JSON.stringify(e) + '\n');
  };

  /** One JSON object per line of the batch, a last line without a newline included. */
  override render(batch: OutputBatch): string {
    const step = batch.step === undefined ? '' : `,"step":${batch.step}`;
    const head =
      `{"ts":"${new Date(batch.at ?? this.#now()).toISOString()}","unit":${JSON.stringify(batch.unit)},` +
      `"type":"output","stream":"${batch.stream}"${step},"text":`;
    const text = batch.text;
    let out = '';
    let start = 0;
    while (start < text.length) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = text.length;
      out += head + JSON.stringify(text.slice(start, nl)) + '}\n';
      start = nl + 1;
    }
    return out;
  }
}
