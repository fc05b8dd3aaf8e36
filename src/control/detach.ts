// Starting the daemon: `node main.js __daemon up …` in a session of its own (setsid), stdin from
// /dev/null, stdout and stderr appended to `.procs/procs.log`. It tells us on a pipe (fd 3) once
// it answers on its socket, or why it could not, and closes that pipe before it spawns any unit
// so no unit inherits it. A daemon that dies before saying anything is explained by its log.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { MAIN_SCRIPT } from '../self.js';
import { ensurePrivateDir, type ProjectPaths } from './paths.js';

/** The hidden first argument that makes main.js run as the daemon. */
export const DAEMON_ARG = '__daemon';
/** Environment variable naming the fd the daemon reports on; removed before any unit starts. */
export const REPORT_FD_ENV = 'PROCS_DAEMON_REPORT_FD';

const MAIN = MAIN_SCRIPT;
const LOG_ROTATE_BYTES = 1024 * 1024;

/** What the daemon says on its report pipe. */
export type DaemonReport =
  | { readonly ok: true; readonly pid: number; readonly socket: string }
  | { readonly held: number }
  | { readonly error: string; readonly code: number };

export type DaemonStart =
  | { readonly kind: 'started'; readonly pid: number; readonly socket: string }
  | { readonly kind: 'held'; readonly pid: number }
  | { readonly kind: 'failed'; readonly code: number; readonly message: string };

/** Spawns the daemon with `argv` (a command line of `up`) and waits for its first word. */
export async function spawnDaemon(paths: ProjectPaths, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<DaemonStart> {
  try {
    ensurePrivateDir(paths.dir);
  } catch (err) {
    return { kind: 'failed', code: 1, message: `cannot use ${paths.dir}: ${err instanceof Error ? err.message : String(err)}` };
  }
  rotateLog(paths.log);
  const logFd = openSync(paths.log, 'a', 0o600);
  const logStart = statSync(paths.log).size;
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
  if (report === undefined) return { kind: 'failed', code: 1, message: `the daemon exited before it was up; its log says:\n${logSince(paths.log, logStart)}` };
  const parsed = JSON.parse(report) as DaemonReport;
  if ('ok' in parsed) return { kind: 'started', pid: parsed.pid, socket: parsed.socket };
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

/** What the daemon wrote to its log since `offset`, last 40 lines. */
function logSince(log: string, offset: number): string {
  try {
    const text = readFileSync(log).subarray(offset).toString('utf8').trimEnd();
    return text.split('\n').slice(-40).join('\n');
  } catch {
    return '';
  }
}

/** Keeps the daemon's log small: past 1 MB it becomes `procs.log.1`. */
function rotateLog(log: string): void {
  try {
    if (statSync(log).size > LOG_ROTATE_BYTES) renameSync(log, `${log}.1`);
  } catch {
    // no log yet
  }
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
