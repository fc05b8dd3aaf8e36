// The last lines of each unit, in memory, for messages such as "api failed, last lines: …".
// Only the last N lines of a batch are ever looked at, so a huge batch costs O(N), not O(size):
// of a batch made from bytes only those lines are decoded.

import { bytesAreText } from '../events/batch.js';
import type { OutputBatch } from '../events/types.js';
import type { OutputSink } from '../events/sink.js';
import { hasTerminalControls, terminalText } from '../proc/terminal-display.js';

export interface TailLine {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** A fixed-size ring of one unit's lines. */
class Ring {
  readonly #lines: (TailLine | undefined)[];
  #next = 0;
  #count = 0;

  constructor(size: number) {
    this.#lines = new Array<TailLine | undefined>(size);
  }

  /** Adds a line, overwriting the oldest once full. */
  push(line: TailLine): void {
    this.#lines[this.#next] = line;
    this.#next = (this.#next + 1) % this.#lines.length;
    this.#count = Math.min(this.#count + 1, this.#lines.length);
  }

  /** Oldest first. */
  toArray(): TailLine[] {
    const out: TailLine[] = [];
    const size = this.#lines.length;
    for (let i = this.#count; i > 0; i--) {
      const line = this.#lines[(this.#next - i + size) % size];
      if (line) out.push(line);
    }
    return out;
  }
}

export class TailBuffer implements OutputSink {
  readonly size: number;
  #rings = new Map<string, Ring>();

  constructor(size = 20) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Keeps the batch's last lines; never asks the producer to wait. */
  write(batch: OutputBatch): boolean {
    const text = bytesAreText(batch) ? lastLinesText(batch.bytes, this.size) : batch.text;
    let end = text.endsWith('\n') ? text.length - 1 : text.length;
    const found: string[] = [];
    while (end >= 0 && found.length < this.size && text.length > 0) {
      const start = end === 0 ? 0 : text.lastIndexOf('\n', end - 1) + 1;
      const line = text.slice(start, end);
      // Shown in messages on procs' terminal: as plain text, the way a terminal shows it.
      found.push(hasTerminalControls(line) ? terminalText(line, false).slice(0, -1) : line);
      end = start - 1;
    }
    let ring = this.#rings.get(batch.unit);
    if (!ring) this.#rings.set(batch.unit, (ring = new Ring(this.size)));
    for (let i = found.length - 1; i >= 0; i--) ring.push({ stream: batch.stream, text: found[i] ?? '' });
    return true;
  }

  /** Never saturated: calls `fn` soon. */
  onceDrain(fn: () => void): void {
    queueMicrotask(fn);
  }

  /** A unit's last lines, oldest first. */
  lines(unit: string): TailLine[] {
    return this.#rings.get(unit)?.toArray() ?? [];
  }

  /** Forgets a unit (removed by a reload or a scale-down). */
  forget(unit: string): void {
    this.#rings.delete(unit);
  }
}

/** The text of the last `count` lines of `bytes` (whole lines of UTF-8): only they are decoded. */
function lastLinesText(bytes: Uint8Array, count: number): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The newline before the first line kept; -1 when every line is kept.
  let start = buf.length - 1;
  for (let n = 0; n < count; n++) {
    if (start <= 0) {
      start = -1;
      break;
    }
    start = buf.lastIndexOf(0x0a, start - 1);
  }
  return buf.toString('utf8', start + 1);
}
