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
  const out = pool.take(len + lastCount * prefix.length);
  copyPrefixed(lines, prefix, out.bytes);
  return out;
}

// The two loops are functions of their own: V8 optimizes a function while its first long loop
// runs, and code after that loop, not yet run, would then throw the optimized code away again.

/** How many newlines `bytes` holds. */
function countNewlines(bytes: Uint8Array): number {
  const len = bytes.length;
  let count = 0;
  for (let i = 0; i < len; i++) if (bytes[i] === NL) count++;
  return count;
}

/**
 * Copies `lines` into `out` with `prefix` before each line; `out` has the room and `lines` ends
 * in a newline, so a line's copy stops at its newline alone. The prefix goes in by `set` (a copy
 * of memory), about twice as fast as a loop over its bytes for a prefix of 14 bytes or more.
 */
function copyPrefixed(lines: Uint8Array, prefix: Uint8Array, out: Uint8Array): void {
  const len = lines.length;
  const plen = prefix.length;
  let o = 0;
  for (let i = 0; i < len;) {
    out.set(prefix, o);
    o += plen;
    let b: number;
    do {
      b = lines[i++] as number;
      out[o++] = b;
    } while (b !== NL);
  }
}
