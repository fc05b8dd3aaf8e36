// Process trees read from /proc: a unit's group, the descendants that left it (setsid), the
// processes still holding its output (holders.ts), and stopping all of them. /proc is read only
// to stop a unit or to clear what its exited leader left, and polled only while a stop is in progress.
import { readdirSync, readFileSync } from 'node:fs';
import type { StopSpec } from '../config/spec.js';
import { type Clock, realClock } from '../base/clock.js';
import { guardPid, releaseGroup } from './guardian.js';
import { type Channels, channelsOpen, holdersOf } from './holders.js';
import type { SpawnedUnit } from './spawn.js';

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
export function parseStat(text: string): ProcEntry | undefined {
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

/** The last read of /proc, with when it was taken by which clock. */
let last: { readonly procs: ProcEntry[]; readonly clock: Clock; readonly at: number } | undefined;

// A read of /proc at most `maxAgeMs` old by `clock`: stopping 300 units at once reads /proc a few
// times, not 300 times per poll. An older read can only make a tree look alive a moment longer.
function recentProcs(clock: Clock, maxAgeMs: number): ProcEntry[] {
  const now = clock.now();
  if (last !== undefined && last.clock === clock && now >= last.at && now - last.at <= maxAgeMs) return last.procs;
  const procs = scanProcs();
  last = { procs, clock, at: clock.now() };
  return procs;
}

// Whether an entry is a process that still runs (zombies are gone: PID 1 here may not reap them).
function running(entry: ProcEntry | undefined): entry is ProcEntry {
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
function kill(target: number, sig: NodeJS.Signals | 0): boolean {
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

// Adds to `tracked` the descendants of the group and of tracked processes that are not yet in it.
function track(pgid: number, tracked: TrackedPid[], procs: readonly ProcEntry[]): void {
  const roots = [...groupMembers(pgid, procs).map((p) => p.pid), ...tracked.filter(isAlive).map((t) => t.pid)];
  const known = new Set(tracked.map((t) => t.pid));
  for (const d of descendants(roots, procs)) {
    if (known.has(d.pid)) continue;
    tracked.push(d);
    if (readProc(d.pid)?.pgid !== pgid) guardPid(d.pid);
  }
}

/** How old a /proc read a stop's poll may reuse: the polls of many stopping units share reads. */
const POLL_SHARE_MS = 8;
/** How old a read the snapshot before a signal may reuse: only one just taken for another unit. */
const SIGNAL_SHARE_MS = 2;

// Whether the group is empty and every tracked process is gone; grows `tracked` as it looks. A poll
// may pass `maxAgeMs` to reuse a recent read of /proc.
export function isGone(pgid: number, tracked: TrackedPid[], clock: Clock = realClock, maxAgeMs = 0): boolean {
  if (!kill(-pgid, 0) && !tracked.some(isAlive)) return true;
  const procs = recentProcs(clock, maxAgeMs);
  track(pgid, tracked, procs);
  return groupMembers(pgid, procs).length === 0 && !tracked.some(isAlive);
}

// Waits until the group and every tracked pid are gone, polling /proc every 10 ms rising to 50 ms,
// and looking again at once when `wake` settles (the leader's exit: for most units the last of
// the tree to go, so a stop ends as soon as it has, not at the next poll).
// Resolves true when gone, false after `timeoutMs`. Descendants found meanwhile join `pids`.
export function waitGone(pgid: number, pids: TrackedPid[], timeoutMs: number, clock: Clock = realClock, wake?: Promise<unknown>): Promise<boolean> {
  const deadline = clock.now() + timeoutMs;
  let delay = 10;
  let done = false;
  let timer: { cancel(): void } | undefined;
  return new Promise((resolve) => {
    const finish = (gone: boolean): void => {
      done = true;
      timer?.cancel();
      resolve(gone);
    };
    const check = (): void => {
      if (done) return;
      timer?.cancel();
      if (isGone(pgid, pids, clock, POLL_SHARE_MS)) return finish(true);
      const left = deadline - clock.now();
      if (left <= 0) return finish(false);
      timer = clock.setTimer(Math.min(delay, left), check);
      delay = Math.min(delay * 2, 50);
    };
    check();
    // A fresh read of /proc once the leader is gone: the shared one may predate its exit.
    void wake?.then(() => {
      if (done) return;
      timer?.cancel();
      if (isGone(pgid, pids, clock)) return finish(true);
      check();
    });
  });
}

/** What procs knows of a unit's tree between calls: escaped descendants and whether it was killed. */
interface UnitTree {
  readonly tracked: TrackedPid[];
  killed: boolean;
  leaderExited: boolean;
  /** The channels its output comes through, when procs could read them at the spawn. */
  channels: Channels | undefined;
}

const trees = new WeakMap<SpawnedUnit, UnitTree>();

// The record of a unit's tree, created on first use.
function recordOf(unit: SpawnedUnit): UnitTree {
  let tree = trees.get(unit);
  if (tree === undefined) {
    tree = { tracked: [], killed: false, leaderExited: false, channels: undefined };
    trees.set(unit, tree);
  }
  return tree;
}

// Notes that a unit's leader has exited (spawn calls this), so its pgid may later be reused.
export function noteLeaderExit(unit: SpawnedUnit): void {
  recordOf(unit).leaderExited = true;
}

// Notes the channels a unit's output comes through (spawn calls this), to find who holds them.
export function noteChannels(unit: SpawnedUnit, channels: Channels): void {
  recordOf(unit).channels = channels;
}

// The unit's pgid while it is still its group: after the leader exited, a live process with that
// pid is a new leader of a new group that reused the number, and must not be signalled.
function ownGroup(unit: SpawnedUnit, tree: UnitTree): number | undefined {
  if (unit.pgid === undefined) return undefined;
  if (tree.leaderExited && running(readProc(unit.pgid))) return undefined;
  return unit.pgid;
}

// Adds to `tracked` the processes outside the group that hold the unit's output open; gives how
// many were new. They are descendants whose parent chain is lost (setsid, then the parent exited).
function trackHolders(tree: UnitTree, pgid: number, procs: readonly ProcEntry[], clock: Clock, maxAgeMs: number): number {
  if (tree.channels === undefined) return 0;
  const known = new Set(tree.tracked.filter(isAlive).map((t) => t.pid));
  let added = 0;
  for (const p of holdersOf(tree.channels, procs, clock, maxAgeMs)) {
    if (p.pgid === pgid || known.has(p.pid)) continue;
    tree.tracked.push({ pid: p.pid, start: p.start });
    guardPid(p.pid);
    added++;
  }
  return added;
}

// The tree record of a unit, refreshed from /proc (descendants of the group and tracked pids, and
// the holders of its output).
function treeOf(unit: SpawnedUnit, pgid: number, clock: Clock): UnitTree {
  const tree = recordOf(unit);
  const procs = recentProcs(clock, SIGNAL_SHARE_MS);
  trackHolders(tree, pgid, procs, clock, SIGNAL_SHARE_MS);
  track(pgid, tree.tracked, procs);
  return tree;
}

/** A pgid that no process can hold, for a group known to be gone: only tracked pids remain. */
const NO_GROUP = 0x7fffffff;

// Signals a unit's group and its known descendants, snapshotting the tree first.
export function signalUnit(unit: SpawnedUnit, sig: NodeJS.Signals, clock: Clock = realClock): void {
  if (unit.pgid === undefined) return;
  const pgid = ownGroup(unit, recordOf(unit)) ?? NO_GROUP;
  const tree = treeOf(unit, pgid, clock);
  if (sig === 'SIGKILL') tree.killed = true;
  signalTree(pgid, tree.tracked, sig);
}

// SIGKILLs what is left until nothing is, re-sending to processes found meanwhile.
async function killAll(pgid: number, tree: UnitTree, clock: Clock, wake?: Promise<unknown>): Promise<void> {
  tree.killed = true;
  for (;;) {
    signalTree(pgid, tree.tracked, 'SIGKILL');
    if (await waitGone(pgid, tree.tracked, 1000, clock, wake)) return;
  }
}

// Stops a group: the stop signal to the group and every tracked descendant, SIGKILL after the
// timeout (at once for a SIGKILL stop), resolving once all of it is gone.
async function stopTree(pgid: number, tree: UnitTree, stop: StopSpec, clock: Clock, wake?: Promise<unknown>): Promise<{ forced: boolean }> {
  if (stop.signal !== 'SIGKILL') {
    signalTree(pgid, tree.tracked, stop.signal);
    if ((await waitGone(pgid, tree.tracked, stop.timeoutMs, clock, wake)) && !tree.killed) return { forced: false };
  }
  await killAll(pgid, tree, clock, wake);
  return { forced: true };
}

/**
 * How long a unit's output may take to end once its tree is gone before procs looks for other
 * processes holding it. Usually the end comes at once; a late one only costs a read of /proc.
 */
const OUTPUT_END_GRACE_MS = 100;

// Resolves true once the unit's output has ended, false after `ms` (at once without channels to look for).
function outputEnds(unit: SpawnedUnit, tree: UnitTree, ms: number, clock: Clock): Promise<boolean> {
  if (tree.channels === undefined || !channelsOpen(tree.channels)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = clock.setTimer(ms, () => resolve(false));
    void unit.outputDone.then(() => {
      t.cancel();
      resolve(true);
    });
  });
}

// Stops the tree until nothing of it is left: the group, the tracked descendants and, once they
// are gone while the output still has not ended, whatever else holds it (found afresh each round:
// a holder may have started another before it died). `found` is false when nothing was left.
async function clear(unit: SpawnedUnit, tree: UnitTree, pgid: number, stop: StopSpec, clock: Clock): Promise<{ forced: boolean; found: boolean }> {
  let forced = false;
  let found = false;
  for (;;) {
    if (isGone(pgid, tree.tracked, clock)) {
      if (await outputEnds(unit, tree, OUTPUT_END_GRACE_MS, clock)) break;
      if (trackHolders(tree, pgid, scanProcs(), clock, 0) === 0) break;
    }
    found = true;
    if ((await stopTree(pgid, tree, stop, clock, tree.leaderExited ? undefined : unit.exited)).forced) forced = true;
  }
  return { forced, found };
}

// Stops a unit and everything it started; `forced` tells whether SIGKILL was needed.
export async function stopUnit(unit: SpawnedUnit, stop: StopSpec, clock: Clock = realClock): Promise<{ forced: boolean }> {
  if (unit.pgid === undefined) return { forced: false };
  const pgid = ownGroup(unit, recordOf(unit)) ?? NO_GROUP;
  // Snapshot before signalling: a dying parent orphans its children and the chain is lost.
  const tree = treeOf(unit, pgid, clock);
  const { forced } = await clear(unit, tree, pgid, stop, clock);
  releaseGroup(unit.pgid);
  await unit.exited;
  return { forced: forced || tree.killed };
}

// After the leader exited on its own: stops what is left of its group, its known descendants and
// whatever still holds its output. `found` is false when nothing was left (no signal sent).
export async function reapLeftovers(
  unit: SpawnedUnit,
  stop: StopSpec,
  clock: Clock = realClock,
): Promise<{ forced: boolean; found: boolean }> {
  if (unit.pgid === undefined) return { forced: false, found: false };
  const tree = recordOf(unit);
  const pgid = ownGroup(unit, tree) ?? NO_GROUP;
  // Something is left: snapshot all of it before the first signal, as a stop does.
  if (!isGone(pgid, tree.tracked, clock)) treeOf(unit, pgid, clock);
  const result = await clear(unit, tree, pgid, stop, clock);
  releaseGroup(unit.pgid);
  return result;
}
