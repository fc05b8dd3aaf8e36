// Reading the event history back: the events of the last run of a project from
// `.procs/events.ndjson` (and its rotations when the run began before the newest file), for
// `procs why` and the startup analysis after the fact. A line that is not an event is skipped.
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { openRegular, READ } from './regular-file.js';
import type { ProcsEvent } from './types.js';

/** The most read from one file: its last part when larger (a rotation is 10 MB at most by default). */
const MAX_READ = 16 * 1024 * 1024;

/** A file's text (its last MAX_READ bytes when larger); undefined when it does not exist. */
async function readTail(path: string): Promise<string | undefined> {
  let file;
  try {
    file = await openRegular(path, READ);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await file.stat();
    if (size <= MAX_READ) return await readFile(file, 'utf8');
    const buf = Buffer.alloc(MAX_READ);
    const { bytesRead } = await file.read(buf, 0, MAX_READ, size - MAX_READ);
    const text = buf.toString('utf8', 0, bytesRead);
    // The first line may be cut: start after it.
    return text.slice(text.indexOf('\n') + 1);
  } finally {
    await file.close();
  }
}

/** The events in an NDJSON text, oldest first; lines that are not events are skipped. */
export function parseEvents(text: string): ProcsEvent[] {
  const out: ProcsEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0 || line[0] !== '{') continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (
        typeof v === 'object' &&
        v !== null &&
        typeof (v as { type?: unknown }).type === 'string' &&
        typeof (v as { unit?: unknown }).unit === 'string' &&
        typeof (v as { ts?: unknown }).ts === 'string'
      ) {
        out.push(v as ProcsEvent);
      }
    } catch {
      // a line cut by a full disk or another writer: skipped
    }
  }
  return out;
}

/** The events from the last `start` event on (that one first); all of them when none has one. */
export function lastRun(events: readonly ProcsEvent[]): ProcsEvent[] {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]?.type === 'start') return events.slice(i);
  return [...events];
}

export interface LastRunEvents {
  readonly events: readonly ProcsEvent[];
  /** Whether the run's `start` event was found (else the events are all that was kept). */
  readonly complete: boolean;
}

/**
 * The last run's events from the event log in `procsDir` (`.procs`): the newest file, and the
 * rotated ones before it (`.1`, `.2`, `.3`) until the run's `start` event is found.
 */
export async function readLastRun(procsDir: string): Promise<LastRunEvents> {
  const base = join(procsDir, 'events.ndjson');
  let events: ProcsEvent[] = [];
  for (const path of [base, `${base}.1`, `${base}.2`, `${base}.3`]) {
    const text = await readTail(path);
    if (text === undefined) {
      if (path === base) continue;
      break;
    }
    events = [...parseEvents(text), ...events];
    const run = lastRun(events);
    if (run[0]?.type === 'start') return { events: run, complete: true };
  }
  return { events, complete: false };
}
