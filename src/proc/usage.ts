// What units' process trees use, read from /proc: CPU time and resident memory of every process
// in a unit's group, its descendants wherever they went (the parent chain), the descendants it is
// known to have lost (tracked while stopping) and the processes still holding its output
// (holders.ts). One read of /proc serves every unit of a sample; a process that exits while it
// is read is left out, never an error. Only read when asked (`procs ps`, `procs top`).
import { monotonicNow } from '../base/clock.js';
import { holdersIndex, type ChannelWatch } from './holders.js';
import { kernelUnits, type KernelUnits, type ProcEntry, readPss, running, scanProcs } from './procfs.js';
import type { UnitTree } from './tree.js';

/** A unit to sample: the leader of group `pgid`, with what procs knows of its tree. */
export interface TreeRoot {
  readonly pgid: number;
  readonly tree?: UnitTree;
}

/** What one unit's tree used at the moment of a sample. */
export interface TreeUsage {
  /** The leader's start time (clock ticks since boot), to tell a later process with its pid. */
  readonly start: string;
  /** CPU time of the tree so far, in clock ticks (children it has waited for included). */
  readonly ticks: number;
  /** Resident memory of every process of the tree, added up. */
  readonly rssBytes: number;
  /** Proportional set size of the tree; null where the kernel does not offer it. */
  readonly pssBytes: number | null;
  /** How many processes the tree has. */
  readonly processes: number;
}

/** One sample: per leader pid, what its tree used, and when it was taken. */
export interface UsageSample {
  /** Monotonic milliseconds (`monotonicNow`) when /proc was read. */
  readonly at: number;
  readonly ticksPerSecond: number;
  /** Per leader pid; a leader that is gone has none. */
  readonly trees: ReadonlyMap<number, TreeUsage>;
}

/** Samples the trees of a host's units; the kernel's units are read at the first sample. */
export class UsageSampler {
  #units: KernelUnits | undefined;

  sample(roots: readonly TreeRoot[], channels: ChannelWatch): UsageSample {
    const units = (this.#units ??= kernelUnits());
    const at = monotonicNow();
    const procs = scanProcs().filter((p) => running(p) && p.pid !== process.pid);
    const trees = new Map<number, TreeUsage>();
    for (const [pgid, members] of treesOf(roots, procs, channels)) {
      const leader = members.find((p) => p.pid === pgid);
      if (leader === undefined) continue;
      trees.set(pgid, measure(leader.start, members, units));
    }
    return { at, ticksPerSecond: units.ticksPerSecond, trees };
  }
}

// Each root's processes (leader first when it still runs): its group, then its descendants and
// its tracked pids, then whoever holds its output. A process counts for the first tree that claims it.
function treesOf(roots: readonly TreeRoot[], procs: readonly ProcEntry[], channels: ChannelWatch): Map<number, ProcEntry[]> {
  const byPid = new Map<number, ProcEntry>();
  const byGroup = new Map<number, ProcEntry[]>();
  const children = new Map<number, ProcEntry[]>();
  for (const p of procs) {
    byPid.set(p.pid, p);
    push(byGroup, p.pgid, p);
    push(children, p.ppid, p);
  }
  const claimed = new Set<number>();
  const out = new Map<number, ProcEntry[]>();
  const claim = (list: ProcEntry[], p: ProcEntry | undefined): void => {
    if (p === undefined || claimed.has(p.pid)) return;
    claimed.add(p.pid);
    list.push(p);
  };
  for (const root of roots) {
    const list: ProcEntry[] = [];
    out.set(root.pgid, list);
    // After the leader exited, a process with its pid leads a new group that reused the number.
    if (root.tree?.leaderExited === true && byPid.has(root.pgid)) continue;
    claim(list, byPid.get(root.pgid));
    for (const p of byGroup.get(root.pgid) ?? []) claim(list, p);
    for (const t of root.tree?.tracked ?? []) {
      const p = byPid.get(t.pid);
      if (p?.start === t.start) claim(list, p);
    }
  }
  // Descendants through the parent chain, whatever group or session they are in.
  for (const list of out.values()) {
    for (let i = 0; i < list.length; i++) for (const c of children.get(list[i]?.pid ?? -1) ?? []) claim(list, c);
  }
  addHolders(roots, procs, claimed, channels, out, children);
  return out;
}

// Adds the processes that hold a unit's output and belong to no tree yet (descendants whose
// parent chain is lost), with their own descendants. Only processes started since the oldest
// unit with open output are looked at.
function addHolders(
  roots: readonly TreeRoot[],
  procs: readonly ProcEntry[],
  claimed: Set<number>,
  channels: ChannelWatch,
  out: Map<number, ProcEntry[]>,
  children: Map<number, ProcEntry[]>,
): void {
  const open = roots.filter((r) => r.tree?.channels !== undefined && channels.isOpen(r.tree.channels));
  if (open.length === 0) return;
  const wanted = new Set<string>();
  let since = Infinity;
  for (const r of open) {
    const c = r.tree?.channels;
    if (c === undefined) continue;
    since = Math.min(since, c.since);
    for (const link of c.links) wanted.add(link);
  }
  const index = holdersIndex(
    procs.filter((p) => !claimed.has(p.pid)),
    since,
    wanted,
  );
  if (index.size === 0) return;
  for (const r of open) {
    const list = out.get(r.pgid);
    const links = r.tree?.channels?.links ?? [];
    if (list === undefined || list.length === 0) continue;
    const from = list.length;
    for (const link of links) {
      for (const p of index.get(link) ?? []) {
        if (claimed.has(p.pid)) continue;
        claimed.add(p.pid);
        list.push(p);
      }
    }
    for (let i = from; i < list.length; i++) {
      for (const c of children.get(list[i]?.pid ?? -1) ?? []) {
        if (claimed.has(c.pid)) continue;
        claimed.add(c.pid);
        list.push(c);
      }
    }
  }
}

// Adds up a tree's figures. A process gone before its PSS could be read is left out of the PSS.
function measure(start: string, members: readonly ProcEntry[], units: KernelUnits): TreeUsage {
  let ticks = 0;
  let rssPages = 0;
  let pss: number | null = 0;
  for (const p of members) {
    ticks += p.ticks;
    rssPages += p.rssPages;
    if (pss === null) continue;
    const own = readPss(p.pid);
    if (own === undefined) pss = null;
    else if (own !== 'gone') pss += own;
  }
  return { start, ticks, rssBytes: rssPages * units.pageSize, pssBytes: pss, processes: members.length };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
