// procs' stdout when it is a regular file (`procs up > log`, common in CI). Node gives a file
// stdout as a synchronous stream that turns every string into a new Buffer and writes it before
// returning, so rendering and writing take turns on the event loop. This writer takes the
// rendered strings (or Buffers) as they are, writes them with one async `fs.write` at a time off the
// loop, and puts everything that arrived meanwhile into the next single write (one `fs.writev` of
// the Buffers, with no copy to join them): write calls grow with the
// time spent writing, not with the lines or batches. Order is kept (one write in flight); `finish`
// waits until every byte given is in the file, so output is never lost on exit.

import { fstatSync, write as fsWrite, writev as fsWritev } from 'node:fs';
import { Writable } from 'node:stream';

/** How one write reaches the file: `fs.write` of a string or a Buffer, or `fs.writev` of Buffers, at the current offset. */
export type WriteFd = (fd: number, data: string | Buffer | readonly Buffer[], done: (error: Error | null, written: number) => void) => void;

export interface FileOutOptions {
  /** The write call (tests count calls through it); `fs.write` / `fs.writev` by default. */
  readonly write?: WriteFd;
  /** `write` returns false once this many characters wait (default 4 MiB). */
  readonly highWaterMark?: number;
}

const realWrite: WriteFd = (fd, data, done) => {
  if (typeof data === 'string') fsWrite(fd, data, null, 'utf8', (error, written) => done(error, written));
  else if (Buffer.isBuffer(data)) fsWrite(fd, data, 0, data.length, null, (error, written) => done(error, written));
  else fsWritev(fd, data as Buffer[], null, (error, written) => done(error, written));
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
   * Everything that waited while the last write was in flight, in one write: strings joined and
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
