// From raw child output to OutputBatches: complete lines only, one batch per chunk, with
// backpressure from the sink back to the child's pipe. This is the hot path of all output: the
// lines are handed on as the bytes read, decoded to text only when a consumer asks (events/batch).
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { bytesBatch } from '../events/batch.js';
import type { OutputBatch } from '../events/types.js';
import type { OutputSink } from '../events/sink.js';

/** A line longer than this without a newline is emitted in pieces rather than held forever. */
export const MAX_LINE_BYTES = 1024 * 1024;

const NL = 0x0a;

// Cuts a buffer at `end` or a little before it, so that a UTF-8 sequence is never split.
function utf8Cut(buf: Buffer, end: number): number {
  let cut = end;
  for (let back = 0; back < 3 && cut > 0 && cut < buf.length; back++) {
    const byte = buf[cut] ?? 0;
    if ((byte & 0xc0) !== 0x80) break;
    cut--;
  }
  return cut > 0 ? cut : end;
}

/**
 * Splits byte chunks at their last newline; works on Buffers so UTF-8 split across chunks stays
 * whole. The lines of a chunk come as the bytes read when they are valid UTF-8 (their text is
 * their decoding), else as text, where invalid bytes read as U+FFFD.
 */
export class LineSplitter {
  readonly #max: number;
  #tail: Buffer[] = [];
  #tailLen = 0;

  constructor(maxLineBytes = MAX_LINE_BYTES) {
    this.#max = maxLineBytes;
  }

  // Takes a chunk; gives every complete line it finishes, in one Buffer or string, or undefined.
  push(chunk: Buffer): Buffer | string | undefined {
    const nl = chunk.lastIndexOf(NL);
    if (nl < 0) {
      this.#keep(chunk);
      return this.#tailLen >= this.#max ? this.#flushLong() : undefined;
    }
    let bytes: Buffer;
    if (this.#tailLen === 0) {
      bytes = chunk.subarray(0, nl + 1);
    } else {
      this.#tail.push(chunk.subarray(0, nl + 1));
      bytes = Buffer.concat(this.#tail);
      this.#tail = [];
      this.#tailLen = 0;
    }
    // Copy the remainder so the tail does not pin the whole chunk in memory.
    if (nl + 1 < chunk.length) this.#keep(Buffer.from(chunk.subarray(nl + 1)));
    if (this.#tailLen >= this.#max) return bytes.toString('utf8') + this.#flushLong();
    return isUtf8(bytes) ? bytes : bytes.toString('utf8');
  }

  // Gives the partial last line, completed with a newline, or undefined when there is none.
  end(): string | undefined {
    if (this.#tailLen === 0) return undefined;
    const text = Buffer.concat(this.#tail).toString('utf8');
    this.#tail = [];
    this.#tailLen = 0;
    return `${text}\n`;
  }

  #keep(buf: Buffer): void {
    this.#tail.push(buf);
    this.#tailLen += buf.length;
  }

  // Emits over-long partial lines in pieces of about `max` bytes, each ending in a newline.
  #flushLong(): string {
    let all = Buffer.concat(this.#tail);
    let out = '';
    while (all.length >= this.#max) {
      const cut = utf8Cut(all, this.#max);
      out += `${all.toString('utf8', 0, cut)}\n`;
      all = all.subarray(cut);
    }
    this.#tail = all.length > 0 ? [Buffer.from(all)] : [];
    this.#tailLen = all.length;
    return out;
  }
}

/** Which unit, stream and (for pipelines) step a piped stream belongs to. */
export interface StreamOrigin {
  readonly unit: string;
  readonly stream: OutputBatch['stream'];
  readonly step?: number;
}

// Builds the batch of what a splitter gave: bytes stay bytes (decoded when asked), leaving `step` out unless set.
function batchOf(origin: StreamOrigin, lines: Buffer | string): OutputBatch {
  if (typeof lines !== 'string') return bytesBatch(origin, lines);
  const batch: { -readonly [K in keyof OutputBatch]: OutputBatch[K] } = { unit: origin.unit, stream: origin.stream, text: lines };
  if (origin.step !== undefined) batch.step = origin.step;
  return batch;
}

/** What cuts a stream into lines: LineSplitter, or one that also cleans terminal output. */
export interface Splitter {
  /**
   * Takes a chunk; gives every complete line it finishes, or undefined: as text, or as a Buffer
   * of the bytes the unit wrote when they are valid UTF-8 (the text is their decoding).
   */
  push(chunk: Buffer): Buffer | string | undefined;
  /** Gives the partial last line, completed with a newline, or undefined when there is none. */
  end(): string | undefined;
}

/** How pumpLines reads one stream, besides its origin. */
export interface PumpOptions {
  /** Makes the splitter (a plain LineSplitter unless given). */
  readonly splitter?: () => Splitter;
  /** Sees every chunk as read, before it is split (the unit's raw output, for `procs attach`). */
  readonly tap?: (chunk: Buffer) => void;
}

// Reads a child's stream into the sink line by line, not reading while the sink is full.
// Resolves once the stream has ended and its last (partial) line has been written. Uses
// 'readable' rather than 'data': Node resumes a paused child stream without a 'readable'
// listener when the child exits, which would lift backpressure just when a grandchild may go on.
export function pumpLines(stream: Readable | null | undefined, sink: OutputSink, origin: StreamOrigin, opts: PumpOptions = {}): Promise<void> {
  if (stream === null || stream === undefined) return Promise.resolve();
  const splitter = opts.splitter?.() ?? new LineSplitter();
  const tap = opts.tap;
  let waiting = false;
  const pull = (): void => {
    if (waiting) return;
    for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) {
      tap?.(chunk);
      const lines = splitter.push(chunk);
      if (lines === undefined || sink.write(batchOf(origin, lines))) continue;
      waiting = true;
      sink.onceDrain(() => {
        waiting = false;
        pull();
      });
      return;
    }
  };
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const text = splitter.end();
      if (text !== undefined) sink.write(batchOf(origin, text));
      resolve();
    };
    stream.on('readable', pull);
    stream.once('end', finish);
    stream.once('close', finish);
    stream.on('error', finish);
  });
}
