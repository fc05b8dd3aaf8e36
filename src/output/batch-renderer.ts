// What the terminal and JSON renderers share: a batch becomes one string and one `write` call
// on the Writable, with backpressure from it and quiet after the stream has failed (EPIPE).
import type { Writable } from 'node:stream';
import type { OutputBatch } from '../events/types.js';
import { isEmptyBatch } from '../events/batch.js';
import { StreamDrain } from '../base/drain.js';
import type { OutputSink } from '../events/sink.js';
import type { PooledBytes } from './byte-pool.js';

export abstract class BatchRenderer implements OutputSink {
  protected readonly out: Writable;
  protected readonly drain: StreamDrain;

  constructor(out: Writable, onError?: (error: Error) => void) {
    this.out = out;
    this.drain = new StreamDrain(out, onError);
  }

  /** Writes a batch in one call; false when the stream's buffer is full. */
  write(batch: OutputBatch): boolean {
    if (this.drain.dead) return true;
    if (isEmptyBatch(batch)) return !this.out.writableNeedDrain;
    const bytes = this.renderBytes(batch);
    // Pooled bytes go back to the pool once the stream has written them.
    return bytes === undefined ? this.out.write(this.render(batch)) : this.out.write(bytes.bytes, bytes.release);
  }

  /** The batch as bytes to write, when it can be built from the unit's bytes; undefined to use `render`. */
  renderBytes(_batch: OutputBatch): PooledBytes | undefined {
    return undefined;
  }

  /** Calls `fn` once the stream has room again. */
  onceDrain(fn: () => void): void {
    this.drain.onceDrain(fn);
  }

  /** The batch as the text to write, every line ending in a newline. */
  abstract render(batch: OutputBatch): string;
}
