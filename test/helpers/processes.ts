// Making sure tests leave no process behind: track what a test starts, and after it, kill and
// fail on anything still alive (checked per process group through /proc). Waiting helpers that
// wait on conditions, never on fixed sleeps.
import { readFileSync } from 'node:fs';
import { afterEach } from 'node:test';
import type { SpawnedUnit } from '../../src/proc/spawn.js';
import { descendants, groupMembers, isAlive, readProc, scanProcs, signalTree, type TrackedPid } from '../../src/proc/procfs.js';
import { waitGone } from '../../src/proc/tree.js';

/** Process groups and single pids to check. */
export interface ProcessSet {
  readonly pgids?: readonly number[];
  readonly pids?: readonly number[];
}

// A pid as a tracked process (its start time read now), or undefined when already gone.
export function trackPid(pid: number): TrackedPid | undefined {
  const entry = readProc(pid);
  return entry === undefined ? undefined : { pid, start: entry.start };
}

// Live processes among the groups and pids, with their descendants, as `pid (group g)` strings.
export function survivors(set: ProcessSet): string[] {
  const procs = scanProcs();
  const out = new Set<string>();
  const roots: number[] = [];
  for (const pgid of set.pgids ?? []) {
    for (const p of groupMembers(pgid, procs)) {
      out.add(`${p.pid} (group ${p.pgid})`);
      roots.push(p.pid);
    }
  }
  for (const pid of set.pids ?? []) {
    const p = procs.find((e) => e.pid === pid && e.state !== 'Z');
    if (p !== undefined) {
      out.add(`${p.pid} (group ${p.pgid})`);
      roots.push(pid);
    }
  }
  for (const d of descendants(roots, procs)) out.add(`${d.pid} (descendant)`);
  return [...out];
}

// Kills every live process of the set (and descendants) and waits until they are gone.
export async function killAllOf(set: ProcessSet): Promise<void> {
  const tracked = (set.pids ?? []).map(trackPid).filter((t): t is TrackedPid => t !== undefined);
  for (const pgid of set.pgids ?? []) {
    signalTree(pgid, tracked, 'SIGKILL');
    await waitGone(pgid, tracked, 10_000);
  }
  for (const t of tracked) if (isAlive(t)) process.kill(t.pid, 'SIGKILL');
}

// Fails (after killing them) when processes of the set are alive `graceMs` from now.
export async function assertNoProcesses(set: ProcessSet, graceMs = 1000): Promise<void> {
  const deadline = Date.now() + graceMs;
  let left = survivors(set);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    left = survivors(set);
  }
  if (left.length === 0) return;
  await killAllOf(set);
  throw new Error(`processes left behind: ${left.join(', ')}`);
}

/** Collects the groups and pids a test starts; `check()` asserts none is left. */
export class ProcessTracker {
  readonly pgids: number[] = [];
  readonly pids: number[] = [];

  // Records a spawned unit's group, giving the unit back.
  add<T extends SpawnedUnit>(unit: T): T {
    if (unit.pgid !== undefined) this.pgids.push(unit.pgid);
    return unit;
  }

  // Records single pids (e.g. escaped descendants a fixture printed).
  addPids(...pids: number[]): void {
    this.pids.push(...pids);
  }

  // Asserts nothing recorded is alive, then forgets it.
  async check(): Promise<void> {
    const set = { pgids: this.pgids.splice(0), pids: this.pids.splice(0) };
    await assertNoProcesses(set);
  }
}

// A tracker checked after each test of the current file.
export function useProcessTracker(): ProcessTracker {
  const tracker = new ProcessTracker();
  afterEach(() => tracker.check());
  return tracker;
}

// Polls `predicate` every `intervalMs` until it holds; rejects after `timeoutMs` with `what`.
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 60_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// Resolves with the value of `promise`, or rejects when it takes longer than `timeoutMs`.
export function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A process's command line as /proc holds it (NUL-separated), or empty once it is gone. */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
