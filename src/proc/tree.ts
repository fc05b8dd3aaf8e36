// Process trees read from /proc: a unit's group, the descendants that left it (setsid), the
// processes still holding its output (holders.ts), and stopping all of them. /proc is read only
// to stop a unit or to clear what its exited leader left, and polled only while a stop is in progress.
import type { StopSpec } from '../config/spec.js';
import { type Clock, realClock } from '../base/clock.js';
import type { Channels, ChannelWatch } from './holders.js';
import {
  descendants,
  groupMembers,
  isAlive,
  kill,
  type ProcEntry,
  type ProcScans,
  readProc,
  running,
  scanProcs,
  signalTree,
  type TrackedPid,
} from './procfs.js';

// `procs run`'s command (attached.ts) reads these from here.
export { descendants, groupMembers, pidExists, scanProcs } from './procfs.js';

/** What procs knows of a unit's tree between calls: escaped descendants and whether it was killed. */
export class UnitTree {
  readonly tracked: TrackedPid[] = [];
  killed = false;
  leaderExited = false;
  /** The channels its output comes through, when procs could read them at the spawn. */
  channels: Channels | undefined;
}

/** A unit as its tree is stopped: the leader of group `pgid`, with what is known of its tree. */
export interface TreeUnit {
  readonly pgid: number | undefined;
  readonly exited: Promise<unknown>;
  readonly outputDone: Promise<void>;
  readonly tree: UnitTree;
}

/** The guard of a host's groups (the spawner or the shell guardian, and the group record). */
export interface TreeGuard {
  /** A descendant of a unit that left its group (found while stopping): kill it too if procs dies. */
  guardPid(pid: number): void;
  /** A unit's group is gone: nothing to do for it any more. */
  releaseGroup(pgid: number): void;
}

/** What stopping reads and tells: a host's shared reads of /proc, its units' channels, its guard. */
export interface TreeContext {
  readonly scans: ProcScans;
  readonly channels: ChannelWatch;
  readonly guard: TreeGuard;
}

// Adds to `tracked` the descendants of the group and of tracked processes that are not yet in it;
// those outside the group are told to `guard`.
function track(guard: TreeGuard | undefined, pgid: number, tracked: TrackedPid[], procs: readonly ProcEntry[]): void {
  const roots = [...groupMembers(pgid, procs).map((p) => p.pid), ...tracked.filter(isAlive).map((t) => t.pid)];
  const known = new Set(tracked.map((t) => t.pid));
  for (const d of descendants(roots, procs)) {
    if (known.has(d.pid)) continue;
    tracked.push(d);
    if (readProc(d.pid)?.pgid !== pgid) guard?.guardPid(d.pid);
  }
}

/** How old a /proc read a stop's poll may reuse: the polls of many stopping units share reads. */
const POLL_SHARE_MS = 8;
/** How old a read the snapshot before a signal may reuse: only one just taken for another unit. */
const SIGNAL_SHARE_MS = 2;

// Whether the group is empty and every tracked process is gone; grows `tracked` as it looks. A poll
// may pass `maxAgeMs` to reuse a recent read of /proc (of `ctx`, the host stopping it).
function isGone(pgid: number, tracked: TrackedPid[], clock: Clock = realClock, maxAgeMs = 0, ctx?: TreeContext): boolean {
  const exists = kill(-pgid, 0);
  if (!exists && !tracked.some(isAlive)) return true;
  let procs = ctx === undefined ? scanProcs() : ctx.scans.recent(clock, maxAgeMs);
  // A shared read may predate the group (a unit started just after it, whose pid came through
  // the event loop): the group is there, so the read is looked at again, fresh, before it counts.
  if (exists && maxAgeMs > 0 && ctx !== undefined && groupMembers(pgid, procs).length === 0) procs = ctx.scans.recent(clock, 0);
  track(ctx?.guard, pgid, tracked, procs);
  return groupMembers(pgid, procs).length === 0 && !tracked.some(isAlive);
}

// Waits until the group and every tracked pid are gone, polling /proc every 10 ms rising to 50 ms,
// and looking again at once when `wake` settles (the leader's exit: for most units the last of
// the tree to go, so a stop ends as soon as it has, not at the next poll).
// Resolves true when gone, false after `timeoutMs`. Descendants found meanwhile join `pids`.
export function waitGone(
  pgid: number,
  pids: TrackedPid[],
  timeoutMs: number,
  clock: Clock = realClock,
  wake?: Promise<unknown>,
  ctx?: TreeContext,
): Promise<boolean> {
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
      if (isGone(pgid, pids, clock, POLL_SHARE_MS, ctx)) return finish(true);
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
      if (isGone(pgid, pids, clock, 0, ctx)) return finish(true);
      check();
    });
  });
}

// The unit's pgid while it is still its group: after the leader exited, a live process with that
// pid is a new leader of a new group that reused the number, and must not be signalled.
function ownGroup(unit: TreeUnit): number | undefined {
  if (unit.pgid === undefined) return undefined;
  if (unit.tree.leaderExited && running(readProc(unit.pgid))) return undefined;
  return unit.pgid;
}

// Adds to `tracked` the processes outside the group that hold the unit's output open; gives how
// many were new. They are descendants whose parent chain is lost (setsid, then the parent exited).
function trackHolders(ctx: TreeContext, tree: UnitTree, pgid: number, procs: readonly ProcEntry[], clock: Clock, maxAgeMs: number): number {
  if (tree.channels === undefined) return 0;
  const known = new Set(tree.tracked.filter(isAlive).map((t) => t.pid));
  let added = 0;
  for (const p of ctx.channels.holdersOf(tree.channels, procs, clock, maxAgeMs)) {
    if (p.pgid === pgid || known.has(p.pid)) continue;
    tree.tracked.push({ pid: p.pid, start: p.start });
    ctx.guard.guardPid(p.pid);
    added++;
  }
  return added;
}

// The unit's tree, refreshed from /proc (descendants of the group and tracked pids, and the
// holders of its output).
function refresh(ctx: TreeContext, unit: TreeUnit, pgid: number, clock: Clock): UnitTree {
  const tree = unit.tree;
  let procs = ctx.scans.recent(clock, SIGNAL_SHARE_MS);
  // As in isGone: a shared read without the group may be older than it.
  if (groupMembers(pgid, procs).length === 0 && kill(-pgid, 0)) procs = ctx.scans.recent(clock, 0);
  trackHolders(ctx, tree, pgid, procs, clock, SIGNAL_SHARE_MS);
  track(ctx.guard, pgid, tree.tracked, procs);
  return tree;
}

/** A pgid that no process can hold, for a group known to be gone: only tracked pids remain. */
const NO_GROUP = 0x7fffffff;

// Signals a unit's group and its known descendants, snapshotting the tree first.
export function signalUnit(ctx: TreeContext, unit: TreeUnit, sig: NodeJS.Signals, clock: Clock = realClock): void {
  if (unit.pgid === undefined) return;
  const pgid = ownGroup(unit) ?? NO_GROUP;
  const tree = refresh(ctx, unit, pgid, clock);
  if (sig === 'SIGKILL') tree.killed = true;
  signalTree(pgid, tree.tracked, sig);
}

// SIGKILLs what is left until nothing is, re-sending to processes found meanwhile.
async function killAll(ctx: TreeContext, pgid: number, tree: UnitTree, clock: Clock, wake?: Promise<unknown>): Promise<void> {
  tree.killed = true;
  for (;;) {
    signalTree(pgid, tree.tracked, 'SIGKILL');
    if (await waitGone(pgid, tree.tracked, 1000, clock, wake, ctx)) return;
  }
}

// Stops a group: the stop signal to the group and every tracked descendant, SIGKILL after the
// timeout (at once for a SIGKILL stop), resolving once all of it is gone.
async function stopTree(ctx: TreeContext, pgid: number, tree: UnitTree, stop: StopSpec, clock: Clock, wake?: Promise<unknown>): Promise<{ forced: boolean }> {
  if (stop.signal !== 'SIGKILL') {
    signalTree(pgid, tree.tracked, stop.signal);
    if ((await waitGone(pgid, tree.tracked, stop.timeoutMs, clock, wake, ctx)) && !tree.killed) return { forced: false };
  }
  await killAll(ctx, pgid, tree, clock, wake);
  return { forced: true };
}

/**
 * How long a unit's output may take to end once its tree is gone before procs looks for other
 * processes holding it. Usually the end comes at once; a late one only costs a read of /proc.
 */
const OUTPUT_END_GRACE_MS = 100;

// Resolves true once the unit's output has ended, false after `ms` (at once without channels to look for).
function outputEnds(ctx: TreeContext, unit: TreeUnit, ms: number, clock: Clock): Promise<boolean> {
  const channels = unit.tree.channels;
  if (channels === undefined || !ctx.channels.isOpen(channels)) return Promise.resolve(true);
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
async function clear(ctx: TreeContext, unit: TreeUnit, pgid: number, stop: StopSpec, clock: Clock): Promise<{ forced: boolean; found: boolean }> {
  const tree = unit.tree;
  let forced = false;
  let found = false;
  for (;;) {
    // The first look may share the read of /proc the snapshot before it just took (stopping many
    // units at once, a fresh read each made the stop quadratic); after a stop round, a fresh one.
    if (isGone(pgid, tree.tracked, clock, found ? 0 : SIGNAL_SHARE_MS, ctx)) {
      if (await outputEnds(ctx, unit, OUTPUT_END_GRACE_MS, clock)) break;
      if (trackHolders(ctx, tree, pgid, scanProcs(), clock, 0) === 0) break;
    }
    found = true;
    if ((await stopTree(ctx, pgid, tree, stop, clock, tree.leaderExited ? undefined : unit.exited)).forced) forced = true;
  }
  return { forced, found };
}

// Stops a unit and everything it started; `forced` tells whether SIGKILL was needed.
export async function stopUnit(ctx: TreeContext, unit: TreeUnit, stop: StopSpec, clock: Clock = realClock): Promise<{ forced: boolean }> {
  if (unit.pgid === undefined) return { forced: false };
  const pgid = ownGroup(unit) ?? NO_GROUP;
  // Snapshot before signalling: a dying parent orphans its children and the chain is lost.
  const tree = refresh(ctx, unit, pgid, clock);
  const { forced } = await clear(ctx, unit, pgid, stop, clock);
  ctx.guard.releaseGroup(unit.pgid);
  await unit.exited;
  return { forced: forced || tree.killed };
}

// After the leader exited on its own: stops what is left of its group, its known descendants and
// whatever still holds its output. `found` is false when nothing was left (no signal sent).
export async function reapLeftovers(ctx: TreeContext, unit: TreeUnit, stop: StopSpec, clock: Clock = realClock): Promise<{ forced: boolean; found: boolean }> {
  if (unit.pgid === undefined) return { forced: false, found: false };
  const pgid = ownGroup(unit) ?? NO_GROUP;
  // Something is left: snapshot all of it before the first signal, as a stop does.
  if (!isGone(pgid, unit.tree.tracked, clock, 0, ctx)) refresh(ctx, unit, pgid, clock);
  const result = await clear(ctx, unit, pgid, stop, clock);
  ctx.guard.releaseGroup(unit.pgid);
  return result;
}
