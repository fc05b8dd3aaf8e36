// Unit output as bytes, for the renderers' fast path: a batch whose text needs no change on its
// way to procs' terminal or a log file is written as the bytes the unit wrote, each line after a
// prefix, built by one loop over the bytes into one new Buffer. No string is made, joined or
// encoded per line, so heavy output neither waits on the garbage collector nor is encoded twice
// (once for the terminal, once for `.procs/logs`).

import { bytesAreText } from '../events/batch.js';
import type { OutputBatch } from '../events/types.js';
import { hasCursorControls } from '../proc/terminal-text.js';
import { outputPool, type BytePool, type PooledBytes } from './byte-pool.js';

const NL = 0x0a;

// The terminal and the log file each ask for the same batch in turn: the answers for the last
// batch (and the last lines counted) are kept, so that each is worked out once per batch.
let lastBatch: OutputBatch | undefined;
let lastPlain: Uint8Array | undefined;
let lastCounted: Uint8Array | undefined;
let lastCount = 0;

/** Lets go of the last batch kept (the heap trim calls it: output is over by then). */
export function forgetLastBatch(): void {
  lastBatch = undefined;
  lastPlain = undefined;
  lastCounted = undefined;
  lastCount = 0;
}

/**
 * The batch's bytes when they can be written as they are: they end in a newline, they are the
 * text (made from them, or of the text's length: a guard against a batch whose text was changed
 * and bytes kept) and the text holds nothing a terminal would act on (which displayText would
 * change). A batch made from bytes is checked on its bytes, never decoded.
 */
export function plainBytes(batch: OutputBatch): Uint8Array | undefined {
  if (batch !== lastBatch) {
    lastPlain = plainOf(batch);
    lastBatch = batch;
  }
  return lastPlain;
}

function plainOf(batch: OutputBatch): Uint8Array | undefined {
  const bytes = batch.bytes;
  if (bytes === undefined || bytes.length === 0 || bytes[bytes.length - 1] !== NL) return undefined;
  if (bytesAreText(batch)) return hasCursorBytes(bytes) ? undefined : bytes;
  if (Buffer.byteLength(batch.text) !== bytes.length || hasCursorControls(batch.text)) return undefined;
  return bytes;
}

/** hasCursorControls on UTF-8 bytes: ESC, "\r" and backspace are single bytes there, never part of another character. */
function hasCursorBytes(bytes: Uint8Array): boolean {
  return bytes.indexOf(0x1b) >= 0 || bytes.indexOf(0x0d) >= 0 || bytes.indexOf(0x08) >= 0;
}

/**
 * `lines` (whole lines, each ending in a newline) with `prefix` before each line, in one buffer
 * from `pool` (give it back with `release` once written).
 */
export function prefixLines(lines: Uint8Array, prefix: Uint8Array, pool: BytePool = outputPool): PooledBytes {
  const len = lines.length;
  if (len > 0 && lines[len - 1] !== NL) throw new RangeError('prefixLines takes whole lines, the last ending in a newline');
  if (lines !== lastCounted) {
    lastCount = countNewlines(lines);
    lastCounted = lines;
  }
  const size = len + lastCount * prefix.length;
  // copyPrefixed writes whole words: up to three bytes past the end land in the slack.
  const out = pool.take(size + SLACK);
  copyPrefixed(lines, prefix, out.bytes);
  return { bytes: out.bytes.subarray(0, size), release: out.release };
}

// Both loops read and write four bytes at a time (a DataView's 32-bit access, one machine load or
// store once optimized) and find a newline among them by arithmetic on the word: "SWAR", SIMD
// within a register. Per 64 KiB of 10-byte lines that is about half the time of a loop over bytes.
// They are functions of their own: V8 optimizes a function while its first long loop runs, and
// code after that loop, not yet run, would then throw the optimized code away again.

/** Bytes past the end that copyPrefixed may write. */
const SLACK = 4;
/** A newline in every byte of a word. */
const NL4 = 0x0a0a0a0a;

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** How many newlines `bytes` holds. */
function countNewlines(bytes: Uint8Array): number {
  const len = bytes.length;
  const view = viewOf(bytes);
  let count = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const x = view.getInt32(i, true) ^ NL4;
    // 0x80 in each byte of x that is zero (exact, no carry from a lower byte), 0 elsewhere.
    const zeros = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
    count += Math.imul(zeros >>> 7, 0x01010101) >>> 24;
  }
  for (; i < len; i++) if (bytes[i] === NL) count++;
  return count;
}

/**
 * Copies `lines` into `out` with `prefix` before each line; `out` has the room plus SLACK bytes,
 * and `lines` ends in a newline. A line is copied a word at a time until the word holding its
 * newline; bytes written past a line's end are written over by what follows (or fall in the slack).
 */
function copyPrefixed(lines: Uint8Array, prefix: Uint8Array, out: Uint8Array): void {
  const len = lines.length;
  const plen = prefix.length;
  const src = viewOf(lines);
  const dst = viewOf(out);
  // The prefix as little-endian words, the last padded with zeros.
  const words: number[] = [];
  for (let k = 0; k < plen; k += 4) words.push((prefix[k] ?? 0) | ((prefix[k + 1] ?? 0) << 8) | ((prefix[k + 2] ?? 0) << 16) | ((prefix[k + 3] ?? 0) << 24));
  const nwords = words.length;
  const lastWord = len - 4;
  let o = 0;
  for (let i = 0; i < len;) {
    for (let k = 0; k < nwords; k++) dst.setInt32(o + 4 * k, words[k] as number, true);
    o += plen;
    for (;;) {
      if (i <= lastWord) {
        const w = src.getInt32(i, true);
        dst.setInt32(o, w, true);
        const x = w ^ NL4;
        // The lowest 0x80 bit marks the first newline exactly (a false mark can only follow a true one).
        const marks = (x - 0x01010101) & ~x & 0x80808080;
        if (marks === 0) {
          i += 4;
          o += 4;
          continue;
        }
        const n = (31 - Math.clz32(marks & -marks)) >> 3;
        i += n + 1;
        o += n + 1;
        break;
      }
      const b = lines[i++] as number;
      out[o++] = b;
      if (b === NL) break;
    }
  }
}
