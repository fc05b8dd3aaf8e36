// `.procs/procs.pid` as the project's lock: whoever creates it runs the project. It is created
// whole (written to a temporary file, then hard-linked into place, which fails when it exists),
// so nobody ever reads a half-written one. A pid file whose process is gone, is not procs, or
// started after the file was written (a reused pid) is stale: it is removed, never trusted.
// A pid file that is not a regular file (a planted symlink or FIFO) is refused, naming it: it is
// never followed, read through or waited on.
import { closeSync, fstatSync, linkSync, readFileSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { CREATE_NEW, NotRegularFile, openRegularSync, READ } from '../events/regular-file.js';

export type LockResult = { readonly kind: 'acquired'; release(): void } | { readonly kind: 'held'; readonly pid: number };

/** Takes the lock for this process, breaking a stale one; says who holds it otherwise. */
export function acquirePidLock(file: string, pid = process.pid): LockResult {
  for (let attempt = 0; attempt < 5; attempt++) {
    const tmp = `${file}.${pid}.${attempt}.tmp`;
    writeNew(tmp, `${pid}\n`);
    try {
      linkSync(tmp, file);
      return { kind: 'acquired', release: () => releasePidLock(file, pid) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkQuietly(tmp);
    }
    const holder = readLock(file);
    if (holder && isLiveProcs(holder.pid, holder.mtimeMs)) return { kind: 'held', pid: holder.pid };
    removeIfUnchanged(file, holder);
  }
  throw new Error(`cannot take the lock ${file}: it keeps changing`);
}

/** The pid in a pid file when it names a live procs process; undefined when absent or stale. */
export function livePid(file: string): number | undefined {
  const holder = readLock(file);
  return holder && isLiveProcs(holder.pid, holder.mtimeMs) ? holder.pid : undefined;
}

/** Removes the pid file if it is still ours. */
function releasePidLock(file: string, pid: number): void {
  if (readLock(file)?.pid === pid) unlinkQuietly(file);
}

interface Holder {
  readonly pid: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/**
 * The pid file's pid, time and inode (a pid of 0 when it holds no number); undefined when absent.
 * Throws NotRegularFile for a symlink, FIFO or folder in its place.
 */
function readLock(file: string): Holder | undefined {
  let fd: number;
  try {
    fd = openRegularSync(file, READ);
  } catch (err) {
    if (err instanceof NotRegularFile) throw err;
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    const buf = Buffer.alloc(32);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const pid = Number.parseInt(buf.toString('utf8', 0, n).trim(), 10);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : 0, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` with `text`, failing if anything (a file, a planted link) is already there. */
function writeNew(path: string, text: string): void {
  let fd: number;
  try {
    fd = openRegularSync(path, CREATE_NEW, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    unlinkQuietly(path); // a leftover of a crash (or a planted link): removing it follows nothing
    fd = openRegularSync(path, CREATE_NEW, 0o644);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Unlinks a stale pid file unless someone replaced it since we read it. */
function removeIfUnchanged(file: string, seen: Holder | undefined): void {
  if (!seen) return;
  const now = readLock(file);
  if (now?.ino === seen.ino && now.pid === seen.pid) unlinkQuietly(file);
}

/**
 * Whether `pid` is a live procs process that was already running when its pid file was written
 * at `since` (epoch ms). A process of another user counts as live: it is not ours to judge.
 */
export function isLiveProcs(pid: number, since = Infinity): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const cmdline = readProc(`/proc/${pid}/cmdline`);
  if (cmdline === undefined) return true; // no /proc to ask: trust the live pid
  if (!looksLikeProcs(cmdline.split('\0'))) return false;
  const started = startTimeMs(pid);
  return started === undefined || started <= since + 1000;
}

/** A command line of procs: node running procs' main.js, or a `procs` executable. */
function looksLikeProcs(argv: readonly string[]): boolean {
  return argv.slice(0, 3).some((a) => /(^|\/)procs$/.test(a) || /(^|\/)(cli\/main|bin\/procs)\.js$/.test(a));
}

/** When a process started (epoch ms), from /proc; undefined when unknown. */
function startTimeMs(pid: number): number | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  const boot = /^btime (\d+)$/m.exec(readProc('/proc/stat') ?? '');
  if (stat === undefined || !boot?.[1]) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]); // field 22 of stat: start time in clock ticks after boot
  return Number.isFinite(ticks) ? Number(boot[1]) * 1000 + ticks * 10 : undefined;
}

/** A /proc file's text, or undefined. */
function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Removes a file that may already be gone. */
export function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
