// Processes as /proc shows them: one process's stat line, every process on the machine, the
// members of a group, the descendants of a process, and signals that tolerate processes already
// gone. The bottom of the process layer: it imports nothing else of it.
import { readdirSync, readFileSync } from 'node:fs';
import type { Clock } from '../base/clock.js';

/** One line of /proc/PID/stat, the fields procs needs. */
export interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** `R`, `S`, `D`, `Z` (zombie), … */
  readonly state: string;
  /** Start time in clock ticks since boot: with the pid, it tells a process from a later reuse of its pid. */
  readonly start: string;
}

/** A process procs keeps track of, safe against pid reuse. */
export interface TrackedPid {
  readonly pid: number;
  readonly start: string;
}

// Parses /proc/PID/stat; the command name may hold spaces and parentheses, so cut at the last `)`.
function parseStat(text: string): ProcEntry | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = text.slice(close + 2).split(' ');
  const pid = Number.parseInt(text, 10);
  const [state, ppid, pgid] = [rest[0], Number(rest[1]), Number(rest[2])];
  const start = rest[19];
  if (state === undefined || start === undefined || Number.isNaN(pid)) return undefined;
  return { pid, ppid, pgid, state, start };
}

// Reads one process, or undefined when it is gone.
export function readProc(pid: number): ProcEntry | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}

// Reads every process on the machine.
export function scanProcs(): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const entry = readProc(Number(name));
    if (entry !== undefined) out.push(entry);
  }
  return out;
}

/**
 * Reads of /proc shared for a moment: stopping 300 units at once reads /proc a few times, not
 * 300 times per poll. Each process host keeps its own.
 */
export class ProcScans {
  /** The last read of /proc, with when it was taken by which clock. */
  #last: { readonly procs: ProcEntry[]; readonly clock: Clock; readonly at: number } | undefined;

  // A read of /proc at most `maxAgeMs` old by `clock`. An older read can only make a tree look
  // alive a moment longer.
  recent(clock: Clock, maxAgeMs: number): ProcEntry[] {
    const now = clock.now();
    const last = this.#last;
    if (last !== undefined && last.clock === clock && now >= last.at && now - last.at <= maxAgeMs) return last.procs;
    const procs = scanProcs();
    this.#last = { procs, clock, at: clock.now() };
    return procs;
  }
}

// Whether an entry is a process that still runs (zombies are gone: PID 1 here may not reap them).
export function running(entry: ProcEntry | undefined): entry is ProcEntry {
  return entry !== undefined && entry.state !== 'Z' && entry.state !== 'X';
}

// Whether a tracked process still runs (and is the same process, not a reuse of its pid).
export function isAlive(t: TrackedPid): boolean {
  const entry = readProc(t.pid);
  return running(entry) && entry.start === t.start;
}

// Live (non-zombie) members of a process group.
export function groupMembers(pgid: number, procs: readonly ProcEntry[] = scanProcs()): ProcEntry[] {
  return procs.filter((p) => p.pgid === pgid && running(p));
}

// Every live descendant of `roots`, through the parent chain, whatever group or session it is in.
export function descendants(roots: Iterable<number>, procs: readonly ProcEntry[] = scanProcs()): TrackedPid[] {
  const children = new Map<number, ProcEntry[]>();
  for (const p of procs) {
    const list = children.get(p.ppid);
    if (list === undefined) children.set(p.ppid, [p]);
    else list.push(p);
  }
  const out: TrackedPid[] = [];
  const seen = new Set<number>(roots);
  const queue = [...seen];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i] ?? -1) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      queue.push(child.pid);
      if (running(child)) out.push({ pid: child.pid, start: child.start });
    }
  }
  return out;
}

/** Whether a pid names a live process; one of another user (EPERM) counts as live. */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Sends a signal, ignoring processes that are already gone (ESRCH) or not ours to signal (EPERM).
export function kill(target: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, sig);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw err;
  }
}

// Signals a process group and each tracked process that still runs.
export function signalTree(pgid: number, pids: readonly TrackedPid[], sig: NodeJS.Signals): void {
  kill(-pgid, sig);
  for (const t of pids) if (isAlive(t)) kill(t.pid, sig);
}
