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
  /** CPU time in clock ticks: its own (user and system) and that of its children it has waited for. */
  readonly ticks: number;
  /** Resident set size in pages. */
  readonly rssPages: number;
}

/** A process procs keeps track of, safe against pid reuse. */
export interface TrackedPid {
  readonly pid: number;
  readonly start: string;
}

// Parses /proc/PID/stat; the command name may hold spaces and parentheses, so cut at the last `)`.
// Field N of proc(5) is rest[N - 3].
function parseStat(text: string): ProcEntry | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = text.slice(close + 2).split(' ');
  const pid = Number.parseInt(text, 10);
  const [state, ppid, pgid] = [rest[0], Number(rest[1]), Number(rest[2])];
  const start = rest[19];
  if (state === undefined || start === undefined || Number.isNaN(pid)) return undefined;
  // utime, stime, cutime, cstime (fields 14 to 17) and rss (24).
  const ticks = Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
  const rssPages = Number(rest[21]);
  return { pid, ppid, pgid, state, start, ticks: Number.isFinite(ticks) ? ticks : 0, rssPages: Number.isFinite(rssPages) ? rssPages : 0 };
}

/** What the kernel tells every program at its start (the auxiliary vector): clock ticks per second and page size. */
export interface KernelUnits {
  /** USER_HZ: the clock ticks of /proc/PID/stat per second. */
  readonly ticksPerSecond: number;
  readonly pageSize: number;
}

/** auxv entry types (linux/auxvec.h). */
const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

// Reads /proc/self/auxv (what sysconf(_SC_CLK_TCK) and getpagesize() read); 100 ticks and 4 KiB
// pages, Linux's usual values, where it cannot be read.
export function kernelUnits(): KernelUnits {
  let ticksPerSecond = 100;
  let pageSize = 4096;
  try {
    const aux = readFileSync('/proc/self/auxv');
    const word = ['arm', 'ia32', 'mips', 'mipsel', 'ppc'].includes(process.arch) ? 4 : 8;
    const read = (at: number): number => (word === 8 ? Number(aux.readBigUInt64LE(at)) : aux.readUInt32LE(at));
    for (let at = 0; at + 2 * word <= aux.length; at += 2 * word) {
      const type = read(at);
      if (type === 0) break;
      const value = read(at + word);
      if (type === AT_CLKTCK && value > 0) ticksPerSecond = value;
      if (type === AT_PAGESZ && value > 0) pageSize = value;
    }
  } catch {
    // no /proc here: the usual values
  }
  return { ticksPerSecond, pageSize };
}

/**
 * A process's proportional set size in bytes (each shared page divided among the processes
 * sharing it) from /proc/PID/smaps_rollup: `gone` when the process has exited, undefined when
 * the kernel does not offer it (before Linux 4.14) or it is not ours to read.
 */
export function readPss(pid: number): number | 'gone' | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ESRCH' || (code === 'ENOENT' && readProc(pid) === undefined) ? 'gone' : undefined;
  }
  const kb = /^Pss:\s+(\d+) kB/m.exec(text)?.[1];
  // An exited process that is not yet reaped reads as empty.
  if (kb === undefined) return text === '' ? 'gone' : undefined;
  return Number(kb) * 1024;
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
 * How many times its own cost a read of /proc (or of every process's fds) may serve again: on a
 * machine with thousands of processes one read takes tens of milliseconds, longer than the few a
 * caller allows, and stopping N units then read the whole machine N times (1,000 units took 86 s
 * to stop). Reusing a read for twice what it cost keeps such reads under a third of the time.
 */
export const SHARE_BY_COST = 2;

/** How old a read may be when a caller allows `maxAgeMs` (0: a fresh one) and it cost `cost`. */
export function shareFor(maxAgeMs: number, cost: number): number {
  return maxAgeMs > 0 ? Math.max(maxAgeMs, SHARE_BY_COST * cost) : 0;
}

/**
 * Reads of /proc shared for a moment: stopping 300 units at once reads /proc a few times, not
 * 300 times per poll. Each process host keeps its own.
 */
export class ProcScans {
  /** The last read of /proc, with when it was taken by which clock and what it cost. */
  #last: { readonly procs: ProcEntry[]; readonly clock: Clock; readonly at: number; readonly cost: number } | undefined;
  readonly #scan: () => ProcEntry[];

  constructor(scan: () => ProcEntry[] = scanProcs) {
    this.#scan = scan;
  }

  // A read of /proc at most `maxAgeMs` old by `clock` (or, unless 0 asks for a fresh one, twice as
  // old as it took to make). An older read can only make a tree look alive a moment longer.
  recent(clock: Clock, maxAgeMs: number): ProcEntry[] {
    const now = clock.now();
    const last = this.#last;
    if (last !== undefined && last.clock === clock && now >= last.at && now - last.at <= shareFor(maxAgeMs, last.cost)) return last.procs;
    const procs = this.#scan();
    const at = clock.now();
    this.#last = { procs, clock, at, cost: at - now };
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
