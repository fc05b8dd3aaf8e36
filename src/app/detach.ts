// Starting the daemon: `node main.js __daemon up …` in a session of its own (setsid), stdin from
// /dev/null, stdout and stderr appended to `.procs/procs.log`. It tells us on a pipe (fd 3) once
// it answers on its socket, or why it could not, and closes that pipe before it spawns any unit
// so no unit inherits it. A daemon that dies before saying anything is explained by its log.
//
// The daemon's own lines (its events as text, its warnings) go through `daemonLog`, which
// rotates procs.log in place (copied to procs.log.1 … .3, then emptied) so a crash loop cannot
// grow it without bound, while fd 1 and 2 stay on procs.log for what Node itself writes there (a
// fatal error's stack trace). A symlink or FIFO in procs.log's place is replaced, never followed.
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, readSync, writeSync } from 'node:fs';
import { Writable, type Readable } from 'node:stream';
import { AppendFile, ownLogRotation } from '../events/append-file.js';
import { APPEND, NotRegularFile, openRegularSync, READ, removeOddSync } from '../events/regular-file.js';
import { MAIN_SCRIPT } from '../self.js';
import { EXIT } from './exit-codes.js';
import { describeOrphans } from '../rundir/orphans.js';
import { ensureProjectDir, type ProjectPaths } from '../rundir/paths.js';

/** The hidden first argument that makes main.js run as the daemon. */
const DAEMON_ARG = '__daemon';
/** Environment variable naming the fd the daemon reports on; removed before any unit starts. */
const REPORT_FD_ENV = 'PROCS_DAEMON_REPORT_FD';

const MAIN = MAIN_SCRIPT;

/** What the daemon says on its report pipe. */
export type DaemonReport =
  | { readonly ok: true; readonly pid: number; readonly socket: string; readonly orphans?: readonly number[] }
  | { readonly held: number }
  | { readonly error: string; readonly code: number };

export type DaemonStart =
  | { readonly kind: 'started'; readonly pid: number; readonly socket: string }
  | { readonly kind: 'held'; readonly pid: number }
  | { readonly kind: 'failed'; readonly code: number; readonly message: string };

/** Spawns the daemon with `argv` (a command line of `up`) and waits for its first word; `stderr` hears what it had to say on the way. */
export async function spawnDaemon(paths: ProjectPaths, argv: readonly string[], stderr: Writable, env: NodeJS.ProcessEnv = process.env): Promise<DaemonStart> {
  try {
    ensureProjectDir(paths);
  } catch (err) {
    return { kind: 'failed', code: EXIT.failed, message: `cannot use ${paths.dir}: ${err instanceof Error ? err.message : String(err)}` };
  }
  let logFd: number;
  try {
    logFd = openLog(paths.log, stderr);
  } catch (err) {
    return { kind: 'failed', code: EXIT.failed, message: `cannot write ${paths.log}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const logStart = fstatSync(logFd).size;
  let child;
  try {
    child = spawn(process.execPath, [MAIN, DAEMON_ARG, ...argv], {
      detached: true,
      stdio: ['ignore', logFd, logFd, 'pipe'],
      env: { ...env, [REPORT_FD_ENV]: '3' },
    });
  } finally {
    closeSync(logFd);
  }
  const pipe = child.stdio[3] as Readable;
  const report = await firstLine(pipe);
  pipe.destroy();
  child.unref();
  if (report === undefined)
    return { kind: 'failed', code: EXIT.failed, message: `the daemon exited before it was up; its log says:\n${logSince(paths.log, logStart)}` };
  const parsed = JSON.parse(report) as DaemonReport;
  if ('ok' in parsed) {
    if (parsed.orphans?.length) stderr.write(`procs up: ${describeOrphans(parsed.orphans)}\n`);
    return { kind: 'started', pid: parsed.pid, socket: parsed.socket };
  }
  if ('held' in parsed) return { kind: 'held', pid: parsed.held };
  const log = logSince(paths.log, logStart);
  return { kind: 'failed', code: parsed.code, message: log ? `${parsed.error}\n${log}` : parsed.error };
}

/** The first line a stream gives, or undefined when it ends without one. */
function firstLine(stream: Readable): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl >= 0) resolve(text.slice(0, nl));
    });
    stream.on('error', () => resolve(undefined));
    stream.on('close', () => resolve(undefined));
  });
}

/** Opens procs.log for the daemon's fd 1 and 2; a link or FIFO in its place is replaced (and said). */
function openLog(log: string, out: Writable): number {
  try {
    return openRegularSync(log, APPEND);
  } catch (err) {
    if (!(err instanceof NotRegularFile)) throw err;
    removeOddSync(log);
    out.write(`procs up: ${err.message}: replaced it with a new file\n`);
    return openRegularSync(log, APPEND);
  }
}

/** What the daemon wrote to its log since `offset`, last 40 lines (at most 64 KB read). */
function logSince(log: string, offset: number): string {
  let fd: number | undefined;
  try {
    fd = openRegularSync(log, READ);
    const size = fstatSync(fd).size;
    const from = Math.max(offset > size ? 0 : offset, size - 64 * 1024);
    const buf = Buffer.alloc(size - from);
    const n = readSync(fd, buf, 0, buf.length, from);
    return buf.toString('utf8', 0, n).trimEnd().split('\n').slice(-40).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The daemon's own output: a stream appending whole lines to procs.log, rotated in place by size
 * (`ownLogRotation`). Its first failure is written to `fd2`, the daemon's stderr (procs.log too,
 * as far as it can).
 */
export function daemonLog(paths: ProjectPaths, fd2: Writable, env: NodeJS.ProcessEnv = process.env): { stream: Writable; close(): Promise<void> } {
  const file = new AppendFile(paths.log, {
    rotation: { ...ownLogRotation(env), inPlace: true },
    replaceOdd: true,
    onError: (e) => void fd2.write(`procs: cannot write ${paths.log} (${e.message})\n`),
  });
  let partial = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      const text = partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      const nl = text.lastIndexOf('\n');
      partial = text.slice(nl + 1);
      // The file bounds what waits for the disk (dropping beyond it): never hold the writer up.
      if (nl >= 0) file.append(text.slice(0, nl + 1));
      done();
    },
  });
  return {
    stream,
    async close() {
      if (partial) file.append(`${partial}\n`);
      partial = '';
      await file.close();
    },
  };
}

/** The daemon's end of the report pipe: says one thing once, then closes it. */
export function parentReporter(env: NodeJS.ProcessEnv = process.env): (report: DaemonReport) => void {
  const fd = Number(env[REPORT_FD_ENV]);
  delete env[REPORT_FD_ENV];
  let open = Number.isInteger(fd) && fd > 2;
  return (report) => {
    if (!open) return;
    open = false;
    try {
      writeAll(fd, `${JSON.stringify(report)}\n`);
      closeSync(fd);
    } catch {
      // the parent went away; nothing to tell
    }
  };
}

/** Writes a short text to an fd synchronously. */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf.subarray(off));
}
