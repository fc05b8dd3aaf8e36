// One run's UnitInput (unit-input.ts): keystrokes and window sizes to a unit on a pseudo-terminal,
// framed for its terminal helper's relay (native/procs-tty.c), or text to the stdin pipe of a unit
// with `stdin: true`; and its raw output as read, with the last of it kept for a client that
// attaches later.
import type { Writable } from 'node:stream';
import type { UnitInput, WindowSize } from './unit-input.js';

/** How much raw output `recent()` keeps. */
export const RECENT_BYTES = 16 * 1024;
/** Input queued for a unit that does not read it, past which more is dropped (64 KiB). */
export const INPUT_BACKLOG = 64 * 1024;
/** The largest frame body the relay takes. */
const MAX_FRAME = 65536;

/** A frame for the relay: type byte, body length (4 bytes, big-endian), body. */
export function frame(type: 'd' | 'w', body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** The frame that sets the terminal's window size (each side 1…65535). */
export function sizeFrame(size: WindowSize): Buffer {
  const body = Buffer.alloc(4);
  const side = (n: number): number => Math.min(65535, Math.max(1, Math.floor(Number.isFinite(n) ? n : 1)));
  body.writeUInt16BE(side(size.cols), 0);
  body.writeUInt16BE(side(size.rows), 2);
  return frame('w', body);
}

/** A run's raw output: passed to listeners as read, its last RECENT_BYTES kept. */
export class RawOutput {
  readonly #listeners = new Set<(chunk: Buffer) => void>();
  #kept: Buffer = Buffer.alloc(0);

  /** One chunk as the unit wrote it. */
  readonly tap = (chunk: Buffer): void => {
    // Kept in one buffer, cut back to the limit once it holds twice as much.
    this.#kept =
      this.#kept.length + chunk.length > 2 * RECENT_BYTES ? Buffer.concat([this.#kept, chunk]).subarray(-RECENT_BYTES) : Buffer.concat([this.#kept, chunk]);
    for (const fn of this.#listeners) fn(chunk);
  };

  onOutput(fn: (chunk: Buffer) => void): () => void {
    const own = (chunk: Buffer): void => fn(chunk);
    this.#listeners.add(own);
    return () => this.#listeners.delete(own);
  }

  /** The last RECENT_BYTES at most, from a line's start when one begins in them. */
  recent(): Buffer {
    const kept = this.#kept;
    if (kept.length <= RECENT_BYTES) return Buffer.from(kept);
    const from = kept.length - RECENT_BYTES;
    const nl = kept.indexOf(0x0a, from);
    return Buffer.from(kept.subarray(nl >= 0 && nl + 1 < kept.length ? nl + 1 : from));
  }
}

/**
 * The input of a run: `writer` is procs' end of the pipe (the relay's control channel when
 * `tty`, else the unit's stdin). It is closed once the run's output has ended (`outputDone`).
 */
export function unitInput(tty: boolean, writer: Writable | undefined, raw: RawOutput, outputDone: Promise<void>): UnitInput {
  let open = writer !== undefined;
  const writerClosed = new Promise<void>((resolve) => {
    if (writer === undefined) return resolve();
    writer.once('close', () => resolve());
    // The reader is gone (EPIPE): nothing more reaches the unit.
    writer.on('error', () => {
      open = false;
      writer.destroy();
    });
  });
  void outputDone.then(() => {
    open = false;
    writer?.end();
  });
  const send = (data: Buffer): boolean => {
    if (!open || writer === undefined) return false;
    writer.write(data);
    return true;
  };
  // A unit that does not read its input (nor, on a terminal, its relay what the terminal no
  // longer takes) must not make procs keep every keystroke sent to it: past INPUT_BACKLOG they are
  // dropped, and the latest window size waits for the pipe to drain.
  const backedUp = (): boolean => writer !== undefined && writer.writableLength > INPUT_BACKLOG;
  let pendingSize: WindowSize | undefined;
  writer?.on('drain', () => {
    if (pendingSize === undefined || backedUp()) return;
    const size = pendingSize;
    pendingSize = undefined;
    send(sizeFrame(size));
  });
  return {
    tty,
    write(data) {
      if (backedUp()) return false;
      if (!tty) return send(data);
      for (let off = 0; off < data.length; off += MAX_FRAME) if (!send(frame('d', data.subarray(off, off + MAX_FRAME)))) return false;
      return open;
    },
    resize(size) {
      if (!tty) return;
      if (backedUp()) pendingSize = size;
      else send(sizeFrame(size));
    },
    onOutput: (fn) => raw.onOutput(fn),
    recent: () => raw.recent(),
    closed: Promise.all([outputDone, writerClosed]).then(() => undefined),
  };
}
