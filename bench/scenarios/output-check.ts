// The output scenario's line checker and the ways it reads a tool's output: a pipe (the tool's
// stdout, or `script`'s copy of a terminal), or a regular file read as it grows.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** What one run's output held. */
export interface Checked {
  /** From the tool's launch until the last expected line arrived (or the output ended). */
  readonly totalMs: number;
  /** From the first payload line to the last. */
  readonly streamMs: number;
  /** Lines that arrived whole, alone on their line, and in order for their child. */
  readonly good: number;
  /** Lines holding a broken or doubled payload. */
  readonly garbled: number;
  /** Every line that held a payload, good or not. */
  readonly received: number;
}

/**
 * Checks `L<id>:<n>` payloads line by line, whatever prefix a tool puts before them; a terminal's
 * "\r" before the newline is dropped. A line is good when its payload is whole, at the end of
 * its line, and next in its child's sequence.
 */
export class LineCheck {
  readonly #next: number[];
  readonly #children: number;
  readonly #started: number;
  #partial = '';
  #first: number | undefined;
  #last: number;
  good = 0;
  garbled = 0;
  received = 0;

  constructor(children: number, started: number) {
    this.#children = children;
    this.#next = new Array<number>(children).fill(1);
    this.#started = started;
    this.#last = started;
  }

  /** Takes a chunk that arrived at `now` (performance.now()). */
  feed(chunk: string, now: number): void {
    const lines = (this.#partial + chunk).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const at = line.lastIndexOf('L');
      if (at < 0 || line.charCodeAt(at + 2) !== 58) continue;
      this.#first ??= now;
      this.#last = now;
      this.received++;
      const id = line.charCodeAt(at + 1) - 49;
      const digits = line.slice(at + 3);
      const n = Number(digits);
      const doubled = line.indexOf('L') < at && /L\d:/.test(line.slice(0, at));
      if (id < 0 || id >= this.#children || digits.length === 0 || !Number.isInteger(n) || doubled) {
        this.garbled++;
        continue;
      }
      if (n === this.#next[id]) this.good++;
      this.#next[id] = n + 1;
    }
  }

  /** The figures so far. */
  result(): Checked {
    const first = this.#first;
    return {
      totalMs: this.#last - this.#started,
      streamMs: first === undefined ? Number.NaN : this.#last - first,
      good: this.good,
      garbled: this.garbled,
      received: this.received,
    };
  }
}

/** Feeds `check` from a stream until `want` good lines, the stream's end, or `timeoutMs`. */
export function checkStream(stream: Readable | null, check: LineCheck, want: number, timeoutMs: number): Promise<Checked> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stream?.removeAllListeners('data');
      resolve(check.result());
    };
    const timer = setTimeout(done, timeoutMs);
    if (!stream) return done();
    stream.setEncoding('latin1');
    stream.on('data', (chunk: string) => {
      check.feed(chunk, performance.now());
      if (check.good >= want) done();
    });
    stream.once('end', done);
  });
}

/**
 * Feeds `check` from a regular file as it grows, read every `everyMs`, until `want` good lines,
 * or the tool has exited and the file is read to its end, or `timeoutMs`. A line counts as
 * arrived when the read that found it ran: the times are at most `everyMs` late.
 */
export async function checkFile(path: string, check: LineCheck, want: number, exited: Promise<void>, timeoutMs: number, everyMs = 10): Promise<Checked> {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 20);
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = performance.now() + timeoutMs;
  try {
    for (;;) {
      const finalRead = gone;
      for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) check.feed(buf.toString('latin1', 0, n), performance.now());
      if (check.good >= want || finalRead || performance.now() > deadline) return check.result();
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  } finally {
    closeSync(fd);
  }
}
