// Who still holds a unit's output. A descendant that starts its own session (setsid) and whose
// parent then exits is reparented to init: the parent chain no longer leads to it, and neither
// does the process group. But it usually keeps the stdout and stderr procs gave the unit, and
// /proc/PID/fd names those pipes (output-pipes.ts: procs holds their read ends, so it knows them
// for the whole run). When it needs to (a leader gone while its output has not ended, or a
// stop), procs lists the processes that hold one of them.
//
// Not found this way: a descendant that closed or redirected all of the unit's stdio (a true
// daemon, detaching from its terminal) before its parent exited; a process of another user
// (its /proc/PID/fd is not readable); a process in another pid or mount namespace. For those,
// procs waits a moment for the output to end, then moves on.
import { readdirSync, readlinkSync } from 'node:fs';
import type { Clock } from '../base/clock.js';
import { shareFor, type ProcEntry } from './procfs.js';

/** The channels procs gave one unit, as /proc names them, and when the unit's leader started. */
export interface Channels {
  /** The pipes procs reads the unit's output from, as /proc/PID/fd names them. */
  readonly links: ReadonlySet<string>;
  /** The leader's start time in clock ticks since boot: no holder started earlier. */
  readonly since: number;
}

// The processes (other than procs) started at or after `since` that hold one of `wanted`, by
// channel. A process that exits meanwhile, or whose fds are not ours to read (EACCES), is skipped.
export function holdersIndex(procs: readonly ProcEntry[], since: number, wanted: ReadonlySet<string>): Map<string, ProcEntry[]> {
  const index = new Map<string, ProcEntry[]>();
  for (const p of procs) {
    if (p.pid === process.pid || p.state === 'Z' || p.state === 'X' || Number(p.start) < since) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${p.pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${p.pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!wanted.has(link)) continue;
      const list = index.get(link);
      if (list === undefined) index.set(link, [p]);
      else if (!list.includes(p)) list.push(p);
    }
  }
  return index;
}

/** The channels of a host's units whose output has not ended, and who holds them. */
export class ChannelWatch {
  /** Channels that may still be held: their output has not ended yet. */
  readonly #open = new Set<Channels>();
  /** The last index of channel → holders, with the channels it covers. */
  #last:
    | { readonly index: Map<string, ProcEntry[]>; readonly covers: ReadonlySet<Channels>; readonly clock: Clock; readonly at: number; readonly cost: number }
    | undefined;

  /** Starts looking out for a unit's channels (`links`, as /proc names them) until they are closed. */
  open(links: Iterable<string>, start: string | undefined): Channels {
    const channels = { links: new Set(links), since: start === undefined ? 0 : Number(start) };
    this.#open.add(channels);
    return channels;
  }

  /** The unit's output has ended: nothing holds its channels any more. */
  close(channels: Channels): void {
    this.#open.delete(channels);
  }

  /** Whether the unit's output may still be held by some process. */
  isOpen(channels: Channels): boolean {
    return this.#open.has(channels);
  }

  /**
   * The live processes, among `procs` and other than procs itself, that hold one of the unit's
   * channels open. Empty once its output has ended. `maxAgeMs` lets a read of the fds taken that
   * recently (by `clock`) serve again.
   */
  holdersOf(channels: Channels, procs: readonly ProcEntry[], clock: Clock, maxAgeMs = 0): ProcEntry[] {
    if (!this.#open.has(channels)) return [];
    const index = this.#indexFor(channels, procs, clock, maxAgeMs);
    const out = new Map<number, ProcEntry>();
    for (const link of channels.links) for (const p of index.get(link) ?? []) out.set(p.pid, p);
    return [...out.values()];
  }

  // An index covering `channels`, reusing one at most `maxAgeMs` old by `clock` (or twice as old as
  // it took to make): stopping many units at once reads the fds of the machine once. A fresh index
  // covers every open channel.
  #indexFor(channels: Channels, procs: readonly ProcEntry[], clock: Clock, maxAgeMs: number): Map<string, ProcEntry[]> {
    const now = clock.now();
    const last = this.#last;
    const fresh = last !== undefined && now >= last.at && now - last.at <= shareFor(maxAgeMs, last.cost);
    if (last !== undefined && last.clock === clock && fresh && last.covers.has(channels)) {
      return last.index;
    }
    let oldest = channels.since;
    const wanted = new Set<string>();
    for (const c of this.#open) {
      oldest = Math.min(oldest, c.since);
      for (const link of c.links) wanted.add(link);
    }
    const index = holdersIndex(procs, oldest, wanted);
    const at = clock.now();
    this.#last = { index, covers: new Set(this.#open), clock, at, cost: at - now };
    return index;
  }
}
