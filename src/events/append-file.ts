// An append-only file written off the event loop, a whole line at a time. Appends are queued
// and written in order by one async loop, many lines per write call; a write that fails half
// way is cut back to its last whole line, so a reader never sees a broken line. Failures are
// reported once and never thrown: the file keeps trying on later appends, dropping meanwhile.
// The file is opened without following a link and without blocking on a FIFO (regular-file.ts);
// rotation shifts only regular files, and drops anything else found in their place.

import { lstat, mkdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DrainWaiters } from '../base/drain.js';
import { APPEND, APPEND_READ, CREATE_NEW, NotRegularFile, openRegular, removeOdd } from './regular-file.js';

export interface Rotation {
  /** Size at which the file is rotated; 0 or less disables rotation. */
  readonly maxBytes: number;
  /** Rotated files kept: `f.1` (newest) … `f.N`. */
  readonly keep: number;
  /**
   * Rotate by copying the file to `f.1` and emptying it in place, instead of renaming it: other
   * descriptors open on it (a daemon's own stdout and stderr) then keep writing to `f`.
   */
  readonly inPlace?: boolean;
}

/** The size and count of procs' own files (events.ndjson, procs.log): PROCS_OWN_LOG_BYTES sets the size. */
export function ownLogRotation(env: NodeJS.ProcessEnv = process.env): Rotation {
  const bytes = Number(env.PROCS_OWN_LOG_BYTES);
  return { maxBytes: Number.isInteger(bytes) && bytes > 0 ? bytes : 10 * 1024 * 1024, keep: 3 };
}

export interface AppendFileOptions {
  /** Told once about the first failure (open, write, rotate); later ones stay quiet. */
  readonly onError?: (error: Error) => void;
  /** `append` returns false once this many characters wait (default 1 MiB). */
  readonly highWaterMark?: number;
  /** Beyond this many waiting characters new appends are dropped (default 16 MiB). */
  readonly maxPending?: number;
  readonly rotation?: Rotation;
  readonly dirMode?: number;
  readonly fileMode?: number;
  /**
   * When the path holds a symlink or a FIFO instead of a regular file, remove it and start a new
   * file (told to `onError` once); otherwise such a path is a failure like any other.
   */
  readonly replaceOdd?: boolean;
}

export class AppendFile {
  readonly path: string;
  #opts: AppendFileOptions;
  #pending: (string | Uint8Array)[] = [];
  /** What to call once the queued bytes are written (or dropped): buffers going back to their pool. */
  #releases: (() => void)[] = [];
  #pendingChars = 0;
  #file: FileHandle | undefined;
  #size = 0;
  #pump: Promise<void> | undefined;
  #reported = false;
  #retryAt = 0;
  #drain = new DrainWaiters();
  /** Appends queued so far, and how many of them the write loop is done with. */
  #appended = 0;
  #handled = 0;
  #flushWaiters: { upTo: number; resolve: () => void }[] = [];

  constructor(path: string, options: AppendFileOptions = {}) {
    this.path = path;
    this.#opts = options;
  }

  /**
   * Queues whole lines, as text or UTF-8 bytes; false asks the producer to wait for `onceDrain`.
   * `release` is called once the bytes are no longer needed: written, failed or dropped.
   */
  append(lines: string | Uint8Array, release?: () => void): boolean {
    if (lines.length === 0 || this.#pendingChars + lines.length > (this.#opts.maxPending ?? 16 << 20)) {
      release?.();
      return !this.#saturated();
    }
    this.#pending.push(lines);
    if (release !== undefined) this.#releases.push(release);
    this.#pendingChars += lines.length;
    this.#appended += 1;
    this.#pump ??= Promise.resolve().then(() => this.#run());
    return !this.#saturated();
  }

  /** Calls `fn` once the queue is below the high-water mark (at once when it already is). */
  onceDrain(fn: () => void): void {
    this.#drain.add(fn, this.#saturated());
  }

  /**
   * Resolves once every line appended before the call is in the file (or was given up on after a
   * failure, which is reported). Later appends do not hold it up.
   */
  flushed(): Promise<void> {
    const upTo = this.#appended;
    if (this.#handled >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push({ upTo, resolve }));
  }

  /** Writes what is queued, then closes the file; a later append opens it again. */
  async close(): Promise<void> {
    while (this.#pump) await this.#pump;
    const file = this.#file;
    this.#file = undefined;
    await file?.close().catch((e: unknown) => this.#report(e));
  }

  /** Whether the queue has reached the high-water mark. */
  #saturated(): boolean {
    return this.#pendingChars >= (this.#opts.highWaterMark ?? 1 << 20);
  }

  /** The write loop: takes everything queued, writes it, repeats until nothing waits. */
  async #run(): Promise<void> {
    while (this.#pending.length > 0) {
      const data = partsOf(this.#pending);
      const releases = this.#releases;
      const taken = this.#appended;
      this.#pending = [];
      this.#releases = [];
      this.#pendingChars = 0;
      // The queue is empty again: producers go on filling it while this write is in flight (at
      // most the high-water mark waits besides what is being written).
      this.#drain.fire();
      if (Date.now() >= this.#retryAt) await this.#tryWrite(data);
      for (const release of releases) release();
      this.#handledUpTo(taken);
      if (!this.#saturated()) this.#drain.fire();
    }
    this.#pump = undefined;
  }

  /** The write loop is done with the first `n` appends: tells those waiting for them. */
  #handledUpTo(n: number): void {
    this.#handled = n;
    if (this.#flushWaiters.length === 0) return;
    const done = this.#flushWaiters.filter((w) => w.upTo <= n);
    this.#flushWaiters = this.#flushWaiters.filter((w) => w.upTo > n);
    done.forEach((w) => w.resolve());
  }

  /** Writes, or on failure reports, closes the file and pauses writing for a while. */
  async #tryWrite(data: Buffer[]): Promise<void> {
    try {
      await this.#writeRotating(data);
    } catch (error) {
      this.#report(error);
      this.#retryAt = Date.now() + RETRY_MS;
      await this.#file?.close().catch(() => undefined);
      this.#file = undefined;
    }
  }

  /**
   * Writes whole lines, rotating first whenever the next lines would pass the size limit. Parts
   * that fit go out in one writev as they are; only a write that rotates joins them first.
   */
  async #writeRotating(parts: Buffer[]): Promise<void> {
    const max = this.#opts.rotation?.maxBytes ?? 0;
    let start = 0;
    // Others may write to a file rotated in place (a daemon's stderr): its size is asked, not counted.
    if (this.#opts.rotation?.inPlace === true && this.#file) this.#size = (await this.#file.stat()).size;
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (parts.length > 1 && parts.length <= MAX_PARTS && (max <= 0 || this.#size + total <= max))
      return this.#writeParts(this.#file ?? (await this.#open()), parts, total);
    const data = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total);
    while (start < data.length) {
      const file = this.#file ?? (await this.#open());
      let end = data.length;
      const room = max - this.#size;
      if (max > 0 && end - start > room) {
        const cut = room > 0 ? data.lastIndexOf(0x0a, start + room - 1) : -1;
        if (cut >= start) end = cut + 1;
        else if (this.#size > 0) {
          await this.#rotate();
          continue;
        } else {
          const nl = data.indexOf(0x0a, start);
          end = nl < 0 ? data.length : nl + 1;
        }
      }
      await this.#writeWhole(file, data.subarray(start, end));
      start = end;
    }
  }

  /** Buffers in one writev; a short write goes on from where it stopped, as one chunk. */
  async #writeParts(file: FileHandle, parts: Buffer[], total: number): Promise<void> {
    const { bytesWritten } = await file.writev(parts);
    if (bytesWritten >= total) {
      this.#size += bytesWritten;
      return;
    }
    await this.#writeWhole(file, Buffer.concat(parts, total), bytesWritten);
  }

  /** One chunk (of which `done` bytes are written already), retrying short writes; on failure cuts the file back to its last whole line. */
  async #writeWhole(file: FileHandle, chunk: Buffer, done = 0): Promise<void> {
    try {
      while (done < chunk.length) {
        const { bytesWritten } = await file.write(chunk, done, chunk.length - done);
        done += bytesWritten;
      }
      this.#size += done;
    } catch (error) {
      const whole = done === 0 ? 0 : chunk.lastIndexOf(0x0a, done - 1) + 1;
      if (done > whole) {
        const { size } = await file.stat();
        await file.truncate(size - (done - whole));
      }
      this.#size += whole;
      throw error;
    }
  }

  /** Opens the file for appending, creating its folder on demand; replaces a planted link or FIFO when told to. */
  async #open(): Promise<FileHandle> {
    await mkdir(dirname(this.path), { recursive: true, mode: this.#opts.dirMode ?? 0o700 });
    const mode = this.#opts.fileMode ?? 0o600;
    // Rotating in place copies the file out, so it is opened for reading too.
    const flags = this.#opts.rotation?.inPlace === true ? APPEND_READ : APPEND;
    let file: FileHandle;
    try {
      file = await openRegular(this.path, flags, mode);
    } catch (err) {
      if (!(err instanceof NotRegularFile) || !this.#opts.replaceOdd) throw err;
      await removeOdd(this.path);
      file = await openRegular(this.path, flags, mode);
      this.#report(new Error(`${err.message}: replaced it with a new file`));
    }
    this.#size = (await file.stat()).size;
    this.#file = file;
    return file;
  }

  /** Shifts `f` → `f.1` → … → `f.keep`, dropping the oldest, and starts an empty file. */
  async #rotate(): Promise<void> {
    const keep = Math.max(0, this.#opts.rotation?.keep ?? 0);
    const inPlace = this.#opts.rotation?.inPlace === true && this.#file !== undefined;
    if (!inPlace) await this.#closeFile();
    this.#size = 0;
    await dropEntry(keep > 0 ? `${this.path}.${keep}` : this.path);
    for (let i = keep - 1; i >= 1; i--) await shiftEntry(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    if (keep === 0) return;
    if (!inPlace) return shiftEntry(this.path, `${this.path}.1`);
    const file = this.#file;
    if (file === undefined) return;
    await copyOut(file, `${this.path}.1`, this.#opts.fileMode ?? 0o600);
    await file.truncate(0);
  }

  async #closeFile(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    await file?.close();
  }

  /** Passes the first failure to `onError`; the rest are dropped quietly. */
  #report(error: unknown): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#opts.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Queued appends as Buffers for one writev: strings next to each other joined and encoded once, bytes as they are. */
function partsOf(queued: readonly (string | Uint8Array)[]): Buffer[] {
  const parts: Buffer[] = [];
  let text: string[] = [];
  for (const q of queued) {
    if (typeof q === 'string') {
      text.push(q);
      continue;
    }
    if (text.length > 0) parts.push(Buffer.from(text.join('')));
    text = [];
    parts.push(Buffer.isBuffer(q) ? q : Buffer.from(q.buffer, q.byteOffset, q.length));
  }
  if (text.length > 0) parts.push(Buffer.from(text.join('')));
  return parts;
}

/** Buffers one writev takes at most (IOV_MAX on Linux). */
const MAX_PARTS = 1024;

/** After a failure, appends are dropped for this long before the file is tried again. */
const RETRY_MS = 1000;

/** Rotation renames tolerate files that do not exist yet. */
function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

/** Removes a rotated file (or a link or FIFO in its place); a folder there is an error naming it. */
async function dropEntry(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (st === undefined) return;
  if (st.isDirectory()) throw new NotRegularFile(path, 'a folder');
  await unlink(path).catch(ignoreMissing);
}

/** Renames a rotated file one step on; anything but a regular file there is dropped instead. */
async function shiftEntry(from: string, to: string): Promise<void> {
  const st = await lstat(from).catch(() => undefined);
  if (st === undefined) return;
  if (!st.isFile()) return dropEntry(from);
  await dropEntry(to);
  await rename(from, to).catch(ignoreMissing);
}

/** Copies an open file's whole content into a new file at `to` (which must not exist). */
async function copyOut(file: FileHandle, to: string, mode: number): Promise<void> {
  const out = await openRegular(to, CREATE_NEW, mode);
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (let pos = 0; ;) {
      const { bytesRead } = await file.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      for (let done = 0; done < bytesRead;) done += (await out.write(buf, done, bytesRead - done)).bytesWritten;
      pos += bytesRead;
    }
  } finally {
    await out.close();
  }
}
