// An append-only file written off the event loop, a whole line at a time. Appends are queued
// and written in order by one async loop, many lines per write call; a write that fails half
// way is cut back to its last whole line, so a reader never sees a broken line. Failures are
// reported once and never thrown: the file keeps trying on later appends, dropping meanwhile.

import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DrainWaiters } from '../output/drain.js';

export interface Rotation {
  /** Size at which the file is rotated; 0 or less disables rotation. */
  readonly maxBytes: number;
  /** Rotated files kept: `f.1` (newest) … `f.N`. */
  readonly keep: number;
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
}

export class AppendFile {
  readonly path: string;
  #opts: AppendFileOptions;
  #pending: string[] = [];
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

  /** Queues whole lines; false asks the producer to wait for `onceDrain`. */
  append(lines: string): boolean {
    if (lines.length === 0) return !this.#saturated();
    if (this.#pendingChars + lines.length > (this.#opts.maxPending ?? 16 << 20)) return true;
    this.#pending.push(lines);
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
      const data = Buffer.from(this.#pending.join(''));
      const taken = this.#appended;
      this.#pending = [];
      this.#pendingChars = 0;
      if (Date.now() >= this.#retryAt) await this.#tryWrite(data);
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
  async #tryWrite(data: Buffer): Promise<void> {
    try {
      await this.#writeRotating(data);
    } catch (error) {
      this.#report(error);
      this.#retryAt = Date.now() + RETRY_MS;
      await this.#file?.close().catch(() => undefined);
      this.#file = undefined;
    }
  }

  /** Writes whole lines, rotating first whenever the next lines would pass the size limit. */
  async #writeRotating(data: Buffer): Promise<void> {
    const max = this.#opts.rotation?.maxBytes ?? 0;
    let start = 0;
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

  /** One chunk, retrying short writes; on failure cuts the file back to its last whole line. */
  async #writeWhole(file: FileHandle, chunk: Buffer): Promise<void> {
    let done = 0;
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

  /** Opens the file for appending, creating its folder on demand. */
  async #open(): Promise<FileHandle> {
    await mkdir(dirname(this.path), { recursive: true, mode: this.#opts.dirMode ?? 0o700 });
    const file = await open(this.path, 'a', this.#opts.fileMode ?? 0o600);
    this.#size = (await file.stat()).size;
    this.#file = file;
    return file;
  }

  /** Shifts `f` → `f.1` → … → `f.keep`, dropping the oldest, and starts an empty file. */
  async #rotate(): Promise<void> {
    const keep = Math.max(0, this.#opts.rotation?.keep ?? 0);
    await this.#file?.close();
    this.#file = undefined;
    this.#size = 0;
    await rm(keep > 0 ? `${this.path}.${keep}` : this.path, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(ignoreMissing);
    }
    if (keep > 0) await rename(this.path, `${this.path}.1`).catch(ignoreMissing);
  }

  /** Passes the first failure to `onError`; the rest are dropped quietly. */
  #report(error: unknown): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#opts.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}

/** After a failure, appends are dropped for this long before the file is tried again. */
const RETRY_MS = 1000;

/** Rotation renames tolerate files that do not exist yet. */
function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
