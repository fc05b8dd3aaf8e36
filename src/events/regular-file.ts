// Opening procs' own files (`.procs/…`) without following a planted link or blocking on a FIFO:
// every open adds O_NOFOLLOW (a symlink as the last part of the path fails with ELOOP) and
// O_NONBLOCK (a FIFO opens at once, or fails with ENXIO for writing with no reader), and fstat
// then refuses whatever is not a regular file. The error names the path and what is there.
// A character device is written like a file (only root can make one, and /dev/full stands in for
// a full disk in tests), never read.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { lstat, open, unlink, type FileHandle } from 'node:fs/promises';

const { O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY, O_RDWR, O_APPEND, O_CREAT, O_EXCL, O_TRUNC } = constants;

/** Flags for reading, appending (created if missing), or creating a new file (fails if one exists). */
export const READ = O_RDONLY;
export const APPEND = O_WRONLY | O_APPEND | O_CREAT;
export const APPEND_READ = O_RDWR | O_APPEND | O_CREAT;
export const CREATE_NEW = O_WRONLY | O_CREAT | O_EXCL;
const REPLACE = O_WRONLY | O_CREAT | O_TRUNC;

/** A path in `.procs/` that holds something other than a regular file (a symlink, a FIFO, a folder…). */
export class NotRegularFile extends Error {
  readonly code = 'ENOTREG';
  readonly path: string;

  constructor(path: string, what: string) {
    super(`${path} is ${what}, not a regular file; procs neither follows nor reads it`);
    this.path = path;
  }
}

/** What a path holds, in words, from lstat (never following it). */
function describeEntry(st: Stats | undefined): string {
  if (st === undefined) return 'not readable';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isDirectory()) return 'a folder';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** The error for an open that met something else than a regular file (undefined for other errors). */
function oddEntry(path: string, err: unknown): NotRegularFile | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'ELOOP' && code !== 'ENXIO' && code !== 'EISDIR') return undefined;
  let st: Stats | undefined;
  try {
    st = lstatSync(path);
  } catch {
    st = undefined;
  }
  return new NotRegularFile(path, describeEntry(st));
}

/** A regular file; or, for writing only, a character device. */
function acceptable(st: Stats, flags: number): boolean {
  return st.isFile() || ((flags & (O_WRONLY | O_RDWR)) !== 0 && st.isCharacterDevice());
}

/** Opens a regular file (never a link, never blocking); throws NotRegularFile for anything else. */
export async function openRegular(path: string, flags: number, mode = 0o600): Promise<FileHandle> {
  let file: FileHandle;
  try {
    file = await open(path, flags | O_NOFOLLOW | O_NONBLOCK, mode);
  } catch (err) {
    throw oddEntry(path, err) ?? err;
  }
  const st = await file.stat().catch(async (err: unknown) => {
    await file.close().catch(() => undefined);
    throw err;
  });
  if (acceptable(st, flags)) return file;
  await file.close().catch(() => undefined);
  throw new NotRegularFile(path, describeEntry(st));
}

/** `openRegular`, synchronously: an fd. */
export function openRegularSync(path: string, flags: number, mode = 0o600): number {
  let fd: number;
  try {
    fd = openSync(path, flags | O_NOFOLLOW | O_NONBLOCK, mode);
  } catch (err) {
    throw oddEntry(path, err) ?? err;
  }
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  if (acceptable(st, flags)) return fd;
  closeSync(fd);
  throw new NotRegularFile(path, describeEntry(st));
}

/** A small regular file's text (at most `limit` bytes); undefined when it does not exist. */
export function readRegularSync(path: string, limit = 64 * 1024): string | undefined {
  return withRegularSync(path, (fd) => {
    const buf = Buffer.alloc(limit);
    return buf.toString('utf8', 0, readInto(fd, buf));
  });
}

/** A regular file's whole text; undefined when it does not exist or holds more than `max` bytes. */
export function readWholeRegularSync(path: string, max: number): string | undefined {
  return withRegularSync(path, (fd) => {
    const size = fstatSync(fd).size;
    if (size > max) return undefined;
    const buf = Buffer.allocUnsafe(size);
    return buf.toString('utf8', 0, readInto(fd, buf));
  });
}

// Opens a regular file for reading (undefined when it does not exist) and closes it after `read`.
function withRegularSync<T>(path: string, read: (fd: number) => T): T | undefined {
  let fd: number;
  try {
    fd = openRegularSync(path, READ);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return read(fd);
  } finally {
    closeSync(fd);
  }
}

// Reads from the start of `fd` until `buf` is full or the file ends; the bytes read.
function readInto(fd: number, buf: Buffer): number {
  let n = 0;
  for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
  return n;
}

/** Writes a small file whole: a new file in its place (written, then renamed over it), never through a link. */
export function writeRegularSync(path: string, text: string, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  removeOddSync(tmp);
  const fd = openRegularSync(tmp, REPLACE, mode);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Removes what sits at `path` when it is not a regular file (a planted link or FIFO), so a fresh
 * file can take its place; a folder is left alone (the caller's open then fails, naming it).
 * Unlinking a symlink removes the link, never what it points to.
 */
export async function removeOdd(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (st === undefined || st.isFile() || st.isDirectory()) return;
  await unlink(path).catch(() => undefined);
}

/** `removeOdd`, synchronously. */
export function removeOddSync(path: string): void {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (st.isFile() || st.isDirectory()) return;
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}
