// Reading unit logs back (the format is described in unit-log.ts): the last lines of a unit
// across its rotated files, newest file first, each file read backwards from its end so a
// large log costs only what is shown. A log path holding a symlink, a FIFO or anything else but
// a regular file is skipped (and named to `onSkip`): never followed, never waited on.

import { join } from 'node:path';
import { NotRegularFile, openRegular, READ } from '../events/regular-file.js';

export interface LogLine {
  /** ISO-8601 UTC time; empty when the line is not in the log format. */
  readonly ts: string;
  readonly stream: 'stdout' | 'stderr';
  /** 0-based pipeline step, as in OutputBatch. */
  readonly step?: number;
  readonly text: string;
}

const CHUNK = 64 * 1024;

/** The log file of a unit inside the logs folder (`.procs/logs`). */
export function unitLogPath(dir: string, unit: string): string {
  return join(dir, `${unit}.log`);
}

/** One log file line back into its parts; a line in no known format is kept as stdout text. */
export function parseLogLine(line: string): LogLine {
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  const token = sp2 < 0 ? '' : line.slice(sp1 + 1, sp2);
  const ts = line.slice(0, sp1);
  if (sp1 !== 24 || !ts.endsWith('Z')) return { ts: '', stream: 'stdout', text: line };
  if (token === 'out') return { ts, stream: 'stdout', text: line.slice(sp2 + 1) };
  if (token === 'err') return { ts, stream: 'stderr', text: line.slice(sp2 + 1) };
  const step = token.startsWith('err:') ? Number(token.slice(4)) : NaN;
  if (Number.isInteger(step) && step > 0) return { ts, stream: 'stderr', step: step - 1, text: line.slice(sp2 + 1) };
  return { ts: '', stream: 'stdout', text: line };
}

/**
 * The last `n` lines of a unit's log, oldest first, across `<unit>.log` and its rotations
 * (`n` may be Infinity). With `sinceMs` (epoch ms), only lines stamped from then on: files and
 * parts of files older than that are not read. A line not in the log format goes with the line
 * before it. `onSkip` hears of each path that is not a regular file (it is read as if absent).
 */
export async function readLogTail(dir: string, unit: string, n: number, onSkip?: (error: NotRegularFile) => void, sinceMs?: number): Promise<LogLine[]> {
  const base = unitLogPath(dir, unit);
  const newestFirst: string[] = [];
  for (let i = 0; newestFirst.length < n; i++) {
    const lines = await lastLines(i === 0 ? base : `${base}.${i}`, n - newestFirst.length, onSkip, sinceMs);
    if (lines === undefined) {
      if (i === 0) continue;
      break;
    }
    for (let j = lines.length - 1; j >= 0; j--) newestFirst.push(lines[j] ?? '');
    if (sinceMs !== undefined && lines.length > 0 && isBefore(lines[0] ?? '', sinceMs)) break;
  }
  const parsed = newestFirst.reverse().map(parseLogLine);
  return sinceMs === undefined ? parsed : fromTime(parsed, sinceMs);
}

/** The lines from the first one stamped at or after `sinceMs` on. */
function fromTime(lines: readonly LogLine[], sinceMs: number): LogLine[] {
  const first = lines.findIndex((l) => l.ts !== '' && Date.parse(l.ts) >= sinceMs);
  return first < 0 ? [] : lines.slice(first);
}

/** Whether a raw log line is stamped before `sinceMs` (a line without a stamp is not). */
function isBefore(raw: string, sinceMs: number): boolean {
  const { ts } = parseLogLine(raw);
  return ts !== '' && Date.parse(ts) < sinceMs;
}

/**
 * The last `n` lines of one file (undefined when it does not exist), reading from the end; with
 * `sinceMs`, reading stops once a chunk begins with a line older than that.
 */
async function lastLines(path: string, n: number, onSkip?: (error: NotRegularFile) => void, sinceMs?: number): Promise<string[] | undefined> {
  if (n <= 0) return [];
  const file = await openRegular(path, READ).catch((err: unknown) => {
    if (err instanceof NotRegularFile) onSkip?.(err);
    return undefined;
  });
  if (!file) return undefined;
  try {
    let pos = (await file.stat()).size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    while (pos > 0 && newlines <= n) {
      const len = Math.min(CHUNK, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      await file.read(buf, 0, len, pos);
      chunks.unshift(buf);
      for (let k = buf.indexOf(10); k >= 0; k = buf.indexOf(10, k + 1)) newlines++;
      if (sinceMs !== undefined && startsBefore(buf, sinceMs)) break;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (pos > 0) lines.shift();
    return n === Infinity ? lines : lines.slice(-n);
  } finally {
    await file.close();
  }
}

/** Whether the first whole line of a chunk is stamped before `sinceMs`. */
function startsBefore(buf: Buffer, sinceMs: number): boolean {
  const start = buf.indexOf(10);
  if (start < 0) return false;
  const end = buf.indexOf(10, start + 1);
  if (end < 0) return false;
  return isBefore(buf.toString('utf8', start + 1, end), sinceMs);
}
