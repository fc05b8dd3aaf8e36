// Writables for tests: one that collects everything at once, one that drains slowly.

import { Writable } from 'node:stream';
import type { OutputBatch } from '../../src/events/types.js';
import type { OutputSink } from '../../src/events/sink.js';

/** A Writable that keeps every chunk; `text()` joins them. */
export class Collector extends Writable {
  chunks: string[] = [];

  constructor(highWaterMark = 16 * 1024) {
    super({ highWaterMark, decodeStrings: false });
  }

  override _write(chunk: unknown, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    this.chunks.push(String(chunk));
    cb();
  }

  text(): string {
    return this.chunks.join('');
  }
}

/** A Writable with a small buffer that takes each chunk only after a timer tick. */
export class SlowWritable extends Collector {
  maxBuffered = 0;

  override _write(chunk: unknown, enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    this.maxBuffered = Math.max(this.maxBuffered, this.writableLength);
    setTimeout(() => super._write(chunk, enc, cb), 0);
  }
}

/** Numbered lines of one unit as batches of `perBatch` lines. */
export function numberedBatches(unit: string, lines: number, perBatch: number): OutputBatch[] {
  const batches: OutputBatch[] = [];
  for (let i = 0; i < lines; i += perBatch) {
    let text = '';
    for (let j = i; j < Math.min(lines, i + perBatch); j++) text += `${unit} line ${j}\n`;
    batches.push({ unit, stream: 'stdout', text });
  }
  return batches;
}

/** Writes batches as a well-behaved producer does: pausing whenever the sink says false. */
export async function produce(sink: OutputSink, batches: readonly OutputBatch[]): Promise<void> {
  for (const batch of batches) {
    if (!sink.write(batch)) await new Promise<void>((resolve) => sink.onceDrain(resolve));
  }
}

/** Strips ANSI SGR escapes. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
