// The project at a glance: its summary (all up, starting, something failed), the tab's title and
// icon for it, and the count of units in each state. Pure.
import type { UnitRow } from './types.js';

export type Summary = 'ok' | 'starting' | 'failed';

const FAILED = new Set(['failed', 'unhealthy', 'backoff']);
const STARTING = new Set(['pending', 'starting', 'stopping']);

/** Something failed (failed, unhealthy, backoff) over anything starting (pending, starting, stopping) over all up. */
export function summaryOf(units: readonly Pick<UnitRow, 'state'>[]): Summary {
  let starting = false;
  for (const u of units) {
    if (FAILED.has(u.state)) return 'failed';
    if (STARTING.has(u.state)) starting = true;
  }
  return starting ? 'starting' : 'ok';
}

const MARK: Readonly<Record<Summary, string>> = { ok: '✔', starting: '…', failed: '✖' };

/** `✔ web · procs`, `… web · procs`, `✖ web · procs`, or `disconnected · web · procs`. */
export function titleOf(project: string, summary: Summary, connected: boolean): string {
  const name = project === '' ? 'procs' : `${project} · procs`;
  return connected ? `${MARK[summary]} ${name}` : `disconnected · ${name}`;
}

/** The favicon's address for the summary. */
export function iconOf(summary: Summary, connected: boolean): string {
  return `/assets/icon-${connected ? summary : 'disconnected'}.svg`;
}

/** How many units are in each state present, in the order states first appear. */
export function countsByState(units: readonly Pick<UnitRow, 'state'>[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const u of units) counts.set(u.state, (counts.get(u.state) ?? 0) + 1);
  return [...counts];
}
