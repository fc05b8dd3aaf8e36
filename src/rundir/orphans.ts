// Units left running by a procs that was killed together with its guard (the spawner or the
// shell guardian): their groups are in `.procs/groups.json` (runtime/group-record.ts). Whoever
// takes the project's lock next (`procs up`, `up -d`, `down`) ends them before anything else:
// SIGTERM to each group whose leader still runs with the recorded start time (a reused pid never
// matches), SIGKILL to what is left after a grace period. The record is then removed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularSync } from '../events/regular-file.js';
import type { RecordedGroup } from '../proc/group-record.js';
import { groupMembers, readProc, scanProcs } from '../proc/procfs.js';
import type { ProjectPaths } from './paths.js';
import { acquirePidLock, unlinkQuietly } from './pidlock.js';

const GROUPS_FILE = 'groups.json';

/** How long orphaned groups get between SIGTERM and SIGKILL. */
const GRACE_MS = 5000;

/** The record's path in a `.procs` folder. */
export function groupsFile(procsDir: string): string {
  return join(procsDir, GROUPS_FILE);
}

/**
 * Ends the groups recorded in `procsDir` whose leader is still the recorded process; resolves
 * with their pgids (empty when there were none). Call only while holding the project's lock.
 */
export async function endOrphans(procsDir: string, graceMs = GRACE_MS): Promise<number[]> {
  const file = groupsFile(procsDir);
  const targets = recorded(file).filter((g) => {
    const leader = readProc(g.pgid);
    return leader !== undefined && leader.start === g.start && leader.state !== 'Z' && leader.state !== 'X';
  });
  for (const g of targets) signalGroup(g.pgid, 'SIGTERM');
  const left = (): number[] => {
    const procs = scanProcs();
    return targets.map((g) => g.pgid).filter((pgid) => groupMembers(pgid, procs).length > 0);
  };
  if (targets.length > 0 && !(await until(() => left().length === 0, graceMs))) {
    for (const pgid of left()) signalGroup(pgid, 'SIGKILL');
    await until(() => left().length === 0, 2000);
  }
  unlinkQuietly(file);
  return targets.map((g) => g.pgid);
}

/**
 * For `procs down` when no procs answers: takes the lock (unless a live procs holds it), ends what
 * a killed procs left, and gives the lock back. Undefined when there is no record or the lock is held.
 */
export async function endOrphansOf(paths: ProjectPaths): Promise<number[] | undefined> {
  if (!existsSync(groupsFile(paths.dir))) return undefined;
  const lock = acquirePidLock(paths.pid);
  if (lock.kind === 'held') return undefined;
  try {
    return await endOrphans(paths.dir);
  } finally {
    lock.release();
  }
}

/** The groups in the record; none when it is absent, not a regular file, or not what procs writes. */
function recorded(file: string): RecordedGroup[] {
  let data: unknown;
  try {
    data = JSON.parse(readRegularSync(file, 1 << 20) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  return data.filter((g): g is RecordedGroup => {
    const r = g as Partial<RecordedGroup> | null;
    return typeof r?.pgid === 'number' && Number.isInteger(r.pgid) && r.pgid > 1 && typeof r.start === 'string';
  });
}

/** Signals a whole group, ignoring one that is gone or not ours. */
function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // gone, or not ours to signal
  }
}

/** Resolves true once `cond()` holds (checked every 50 ms), false after `ms`. */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (cond()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `ended 3 process groups (pids 10, 11, 12) left running by a procs that was killed`. */
export function describeOrphans(pgids: readonly number[]): string {
  const groups = pgids.length === 1 ? 'process group' : 'process groups';
  return `ended ${pgids.length} ${groups} (pid ${pgids.join(', ')}) left running by a procs that was killed`;
}
