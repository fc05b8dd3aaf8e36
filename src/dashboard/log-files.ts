// A unit's log lines read newest first, across `<unit>.log` and its rotations `<unit>.log.1` …,
// each file from its end backwards in chunks, so that a page of lines costs what it shows, not the
// size of the logs. The files are all opened first: a rotation while reading (a rename) then
// neither skips nor repeats a file. Links and FIFOs in a log's place are not read
// (events/regular-file.ts).
import type { FileHandle } from 'node:fs/promises';
import { openRegular, READ } from '../events/regular-file.js';
import { parseLogLine, unitLogPath } from '../output/log-read.js';
import type { LogLine } from './protocol.js';

const CHUNK = 64 * 1024;
/** Rotated files looked for at most. */
const MAX_FILES = 1000;

interface Part {
  readonly file: FileHandle;
  /** Where the bytes not read yet end. */
  pos: number;
  /** The start of a line whose end was read (bytes before it are in the earlier chunk). */
  carry: Buffer;
  /** Lines of the chunk read last, oldest first, not handed out yet. */
  lines: string[];
  /** Nothing read yet: what follows the last newline is dropped. */
  open: boolean;
}

const EMPTY = Buffer.alloc(0);

export class BackwardLog {
  readonly unit: string;
  readonly #parts: Part[];
  /** The stamp of the line handed out last: a line without one (not in the log format) gets it. */
  #lastTs = '';

  private constructor(unit: string, parts: Part[]) {
    this.unit = unit;
    this.#parts = parts;
  }

  /** Opens the unit's log files (none: a log without lines). */
  static async open(dir: string, unit: string): Promise<BackwardLog> {
    const parts: Part[] = [];
    const base = unitLogPath(dir, unit);
    for (let i = 0; i < MAX_FILES; i++) {
      const file = await openRegular(i === 0 ? base : `${base}.${i}`, READ).catch(() => undefined);
      if (!file) {
        if (i === 0) continue;
        break;
      }
      const size = await file.stat().then(
        (s) => s.size,
        () => 0,
      );
      parts.push({ file, pos: size, carry: EMPTY, lines: [], open: true });
    }
    return new BackwardLog(unit, parts);
  }

  /** The next older line, or undefined when there is none. */
  async next(): Promise<LogLine | undefined> {
    while (this.#parts.length > 0) {
      const part = this.#parts[0] as Part;
      const raw = part.lines.pop();
      if (raw !== undefined) return this.#line(raw);
      if (part.pos === 0 && part.carry.length === 0) {
        this.#parts.shift();
        await part.file.close().catch(() => undefined);
        continue;
      }
      await this.#fill(part);
    }
    return undefined;
  }

  /** Up to `n` of the newest lines, oldest first. */
  async last(n: number): Promise<LogLine[]> {
    const out: LogLine[] = [];
    for (let l = out.length < n ? await this.next() : undefined; l !== undefined; l = out.length < n ? await this.next() : undefined) out.push(l);
    return out.reverse();
  }

  /** Closes the files not read to their start. */
  async close(): Promise<void> {
    const parts = this.#parts.splice(0);
    await Promise.all(parts.map((p) => p.file.close().catch(() => undefined)));
  }

  #line(raw: string): LogLine {
    const parsed = parseLogLine(raw);
    const ts = parsed.ts === '' ? this.#lastTs : parsed.ts;
    this.#lastTs = ts;
    return { ts, unit: this.unit, stream: parsed.stream, ...(parsed.step === undefined ? {} : { step: parsed.step }), text: parsed.text };
  }

  /** Reads the chunk before what was read into the part's lines. */
  async #fill(part: Part): Promise<void> {
    const len = Math.min(CHUNK, part.pos);
    part.pos -= len;
    const chunk = Buffer.alloc(len);
    let got = 0;
    try {
      while (got < len) {
        const { bytesRead } = await part.file.read(chunk, got, len - got, part.pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } catch {
      got = 0; // read as empty: a failing disk costs lines, never the dashboard
    }
    // What was read, then the start of the line that ends in the part read before (it ended
    // with a newline there): every byte of `buf` is followed by a newline.
    let buf = part.carry.length === 0 ? chunk.subarray(0, got) : Buffer.concat([chunk.subarray(0, got), part.carry]);
    part.carry = EMPTY;
    if (part.open) {
      // The bytes after the file's last newline are a line still being written: not a line yet.
      const nl = buf.lastIndexOf(10);
      if (nl < 0) return;
      buf = buf.subarray(0, nl);
      part.open = false;
    }
    const lines: string[] = [];
    let start = 0;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
      lines.push(buf.toString('utf8', start, nl));
      start = nl + 1;
    }
    lines.push(buf.toString('utf8', start));
    if (part.pos > 0) {
      // The first piece may begin in the chunk before: kept as bytes until that is read.
      const firstEnd = buf.indexOf(10);
      part.carry = Buffer.from(firstEnd < 0 ? buf : buf.subarray(0, firstEnd));
      lines.shift();
    } else if (buf.length === 0) lines.pop();
    part.lines = lines;
  }
}
