// procs' stdout when it is a regular file (`procs up > log`, common in CI). Node gives a file
// stdout as a synchronous stream that turns every string into a new Buffer and writes it before
// returning, so rendering and writing take turns on the event loop. This writer takes the
// rendered strings as they are, writes them with one async `fs.write` at a time off the loop, and
// joins everything that arrived meanwhile into the next single write: write calls grow with the
// time spent writing, not with the lines or batches. Order is kept (one write in flight); `finish`
// waits until every byte given is in the file, so output is never lost on exit.

import { fstatSync, write as fsWrite } from 'node:fs';
import { Writable } from 'node:stream';

/** How one write reaches the file: `fs.write` of a string or a Buffer at the current offset. */
export type WriteFd = (fd: number, data: string | Buffer, done: (error: Error | null, written: number) => void) => void;

export interface FileOutOptions {
  /** The write call (tests count calls through it); `fs.write` by default. */
  readonly write?: WriteFd;
  /** `write` returns false once this many characters wait (default 4 MiB). */
  readonly highWaterMark?: number;
}

const realWrite: WriteFd = (fd, data, done) => {
  if (typeof data === 'string') fsWrite(fd, data, null, 'utf8', (error, written) => done(error, written));
  else fsWrite(fd, data, 0, data.length, null, (error, written) => done(error, written));
};

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

  /** Everything that waited while the last write was in flight, joined into one write. */
  override _writev(chunks: { chunk: string | Buffer }[], done: (error?: Error | null) => void): void {
    const all = chunks.every((c) => typeof c.chunk === 'string')
      ? chunks.map((c) => c.chunk as string).join('')
      : Buffer.concat(chunks.map((c) => (typeof c.chunk === 'string' ? Buffer.from(c.chunk) : c.chunk)));
    this.#writeAll(all, done);
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
}

/** A FileOut on fd 1 when procs' stdout is a regular file; undefined for a pipe or a terminal. */
export function fileStdout(fd = 1): FileOut | undefined {
  try {
    return fstatSync(fd).isFile() ? new FileOut(fd) : undefined;
  } catch {
    return undefined;
  }
}
