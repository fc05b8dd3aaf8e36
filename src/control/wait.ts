// `up --wait`: watch the project until every selected unit is up (ready, or running when it has
// no readiness probe; one-shot steps completed), or one of them fails, is skipped or stopped,
// or the time runs out. Driven by the event feed: each event asks for a fresh status.
import { formatDuration } from '../output/format.js';
import type { ControlApi, UnitRow } from './api.js';

export type WaitVerdict =
  | { readonly kind: 'ready'; readonly units: readonly UnitRow[] }
  | { readonly kind: 'failed'; readonly reason: string; readonly units: readonly string[] }
  | { readonly kind: 'timeout'; readonly reason: string; readonly units: readonly string[] };

/** Whether a unit counts as up for `--wait`. */
export function isUp(u: UnitRow): boolean {
  return u.state === 'ready' || u.state === 'completed' || (u.state === 'running' && u.health.readiness === null);
}

/** The verdict on one status: undefined while still waiting. */
export function judge(rows: readonly UnitRow[]): WaitVerdict | undefined {
  const bad = rows.filter((u) => u.state === 'failed' || u.state === 'skipped' || u.state === 'stopped');
  if (bad.length > 0) {
    const reason = bad.map((u) => `${u.name} ${u.state}${u.reason ? `: ${u.reason}` : ''}`).join('; ');
    return { kind: 'failed', reason, units: bad.map((u) => u.name) };
  }
  return rows.every(isUp) ? { kind: 'ready', units: rows } : undefined;
}

/** Waits on the project until `judge` decides for the selected units (pools mean their instances). */
export async function waitForUnits(api: ControlApi, selected: readonly string[], timeoutMs?: number): Promise<WaitVerdict> {
  let finish!: (v: WaitVerdict) => void;
  const verdict = new Promise<WaitVerdict>((resolve) => (finish = resolve));
  let last: readonly UnitRow[] = [];
  let asking = false;
  let again = false;
  const ask = async (): Promise<void> => {
    if (asking) return void (again = true);
    asking = true;
    try {
      do {
        again = false;
        last = pick((await api.status()).units, selected);
        const v = judge(last);
        if (v) finish(v);
      } while (again);
    } catch (err) {
      finish({ kind: 'failed', reason: err instanceof Error ? err.message : String(err), units: [] });
    } finally {
      asking = false;
    }
  };
  const feed = api.events(() => void ask());
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => finish(timedOut(last, timeoutMs)), timeoutMs);
  try {
    await feed.ready;
    void feed.ended.then(() => finish({ kind: 'failed', reason: 'the project stopped', units: [] }));
    void ask();
    return await verdict;
  } catch (err) {
    return { kind: 'failed', reason: err instanceof Error ? err.message : String(err), units: [] };
  } finally {
    if (timer) clearTimeout(timer);
    feed.close();
  }
}

/** The selected rows: named units and instances of named pools; all when none are named. */
function pick(rows: readonly UnitRow[], selected: readonly string[]): UnitRow[] {
  if (selected.length === 0) return rows.filter((u) => u.kind !== 'watch');
  return rows.filter((u) => selected.includes(u.name) || (u.pool !== null && selected.includes(u.pool)));
}

/** The timeout verdict, naming the units still not up. */
function timedOut(rows: readonly UnitRow[], ms: number): WaitVerdict {
  const waiting = rows.filter((u) => !isUp(u));
  const list = waiting.map((u) => `${u.name} (${u.state}${u.state === 'running' ? ', not ready' : ''})`).join(', ');
  return { kind: 'timeout', reason: `timed out after ${formatDuration(ms)} waiting for ${list || 'the project'}`, units: waiting.map((u) => u.name) };
}
