// procs' stdout when it is a regular file (`procs up > log`, common in CI). Node gives a file
// stdout as a synchronous stream that turns every string into a new Buffer and writes it before
// returning. This writer takes the rendered strings (or Buffers: a renderer's lines built from
// the unit's bytes, from a pool) as they are, and writes each in one `write` call, or what
// waited together in one `writev` of the Buffers, with no copy to join them. The call is made
// synchronously: a write to a regular file only copies into the page cache, and on a virtual
// machine handing each write to libuv's threads (a lock, a wake-up, an event back) cost more than
// the write itself: writing 4 × 200,000 lines took 6 % more of procs' CPU that way. Order is
// kept; `finish` waits until every byte given is in the file, so output is never lost on exit.

import { fstatSync, writeSync, writevSync } from 'node:fs';
import { Writable } from 'node:stream';

/** How one write reaches the file: a write of a string or a Buffer, or a writev of Buffers, at the current offset. */
export type WriteFd = (fd: number, data: string | Buffer | readonly Buffer[], done: (error: Error | null, written: number) => void) => void;

export interface FileOutOptions {
  /** The write call (tests count calls through it); `fs.writeSync` / `fs.writevSync` by default. */
  readonly write?: WriteFd;
  /** `write` returns false once this many characters wait (default 4 MiB). */
  readonly highWaterMark?: number;
}

const realWrite: WriteFd = (fd, data, done) => {
  let written: number;
  try {
    if (typeof data === 'string') written = writeSync(fd, data, null, 'utf8');
    else if (Buffer.isBuffer(data)) written = writeSync(fd, data, 0, data.length, null);
    else written = writevSync(fd, data);
  } catch (error) {
    return done(error as Error, 0);
  }
  done(null, written);
};

/** Buffers one writev takes at most (IOV_MAX on Linux). */
const MAX_PARTS = 1024;

export class FileOut extends Writable {
  readonly fd: number;
  readonly #write: WriteFd;

  constructor(fd: number, options: FileOutOptions = {}) {
    super({ decodeStrings: false, highWaterMark: options.highWaterMark ?? 4 << 20, autoDestroy: false });
    this.fd = fd;
    this.#write = options.write ?? realWrite;
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#writeAll(chunk, done);
  }

  /**
   * Everything that waited for the stream (while the last write ran), in one write: strings joined and
   * encoded once, Buffers (a renderer's lines built from the unit's bytes) given to one writev,
   * not copied together first.
   */
  override _writev(chunks: { chunk: string | Buffer }[], done: (error?: Error | null) => void): void {
    if (chunks.every((c) => typeof c.chunk === 'string')) return this.#writeAll(chunks.map((c) => c.chunk as string).join(''), done);
    this.#writeParts(
      chunks.map((c) => (typeof c.chunk === 'string' ? Buffer.from(c.chunk) : c.chunk)),
      done,
    );
  }

  /** Resolves once every byte written so far is in the file (the stream is ended). */
  finish(): Promise<void> {
    return new Promise((resolve) => {
      if (this.writableFinished || this.destroyed) return resolve();
      this.once('finish', resolve);
      this.once('error', () => resolve());
      this.end();
    });
  }

  /** Writes `data` whole: a short write (a full disk, a signal) continues with what is left. */
  #writeAll(data: string | Buffer, done: (error?: Error | null) => void): void {
    if (data.length === 0) return done();
    this.#write(this.fd, data, (error, written) => {
      if (error) return done(error);
      const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      if (written >= bytes) return done();
      const rest = (typeof data === 'string' ? Buffer.from(data) : data).subarray(written);
      this.#writeAll(rest, done);
    });
  }

  /** Writes the Buffers whole, in order, at most MAX_PARTS a call; a short write goes on from the byte it stopped at. */
  #writeParts(parts: Buffer[], done: (error?: Error | null) => void): void {
    if (parts.length === 0) return done();
    if (parts.length === 1) return this.#writeAll(parts[0] as Buffer, done);
    const now = parts.slice(0, MAX_PARTS);
    this.#write(this.fd, now, (error, written) => {
      if (error) return done(error);
      let i = 0;
      for (let left = written; i < now.length && left >= (now[i] as Buffer).length; i++) left -= (now[i] as Buffer).length;
      const used = now.slice(0, i).reduce((n, b) => n + b.length, 0);
      const rest = parts.slice(i);
      if (rest.length > 0 && written > used) rest[0] = (rest[0] as Buffer).subarray(written - used);
      this.#writeParts(rest, done);
    });
  }
}

/** A FileOut on fd 1 when procs' stdout is a regular file; undefined for a pipe or a terminal. */
export function fileStdout(fd = 1): FileOut | undefined {
  try {
    return fstatSync(fd).isFile() ? new FileOut(fd) : undefined;
  } catch {
    return undefined;
  }
}
