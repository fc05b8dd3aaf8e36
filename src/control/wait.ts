// `up --wait`: watch the project until every selected unit is up (ready, or running when it has
// no readiness probe; one-shot steps completed), or one of them fails, is skipped or stopped,
// or the time runs out. Driven by the event feed: each event asks for a fresh status. A row
// does not say whether a unit is a one-shot step (`restart: never`): the caller, who has read
// the spec, names them.
import type { ProcsEvent } from '../events/types.js';
import { formatDuration } from '../output/format.js';
import type { ControlApi, UnitRow } from './api.js';

export type WaitVerdict =
  | { readonly kind: 'ready'; readonly units: readonly UnitRow[] }
  | { readonly kind: 'failed'; readonly reason: string; readonly units: readonly string[] }
  | { readonly kind: 'timeout'; readonly reason: string; readonly units: readonly string[] };

/** Whether a unit counts as up for `--wait`: a one-shot step only once it has completed. */
export function isUp(u: UnitRow, oneShot = false): boolean {
  if (oneShot) return u.state === 'completed';
  return u.state === 'ready' || u.state === 'completed' || (u.state === 'running' && u.health.readiness === null);
}

/** Tells the one-shot steps among rows. */
export type OneShot = (u: UnitRow) => boolean;

const NONE: OneShot = () => false;

/** One-shot steps by name: units, or pools meaning each of their instances. */
export function oneShotNamed(names: ReadonlySet<string>): OneShot {
  return (u) => names.has(u.name) || (u.pool !== null && names.has(u.pool));
}

/** The verdict on one status: undefined while still waiting. */
export function judge(rows: readonly UnitRow[], oneShot: OneShot = NONE): WaitVerdict | undefined {
  const bad = rows.filter((u) => u.state === 'failed' || u.state === 'skipped' || u.state === 'stopped');
  if (bad.length > 0) {
    const reason = bad.map((u) => `${u.name} ${u.state}${u.reason ? `: ${u.reason}` : ''}`).join('; ');
    return { kind: 'failed', reason, units: bad.map((u) => u.name) };
  }
  return rows.every((u) => isUp(u, oneShot(u))) ? { kind: 'ready', units: rows } : undefined;
}

/** Waits on the project until `judge` decides for the selected units (pools mean their instances). */
export async function waitForUnits(
  api: ControlApi,
  selected: readonly string[],
  timeoutMs?: number,
  oneShot: OneShot = NONE,
  onEvent?: (e: ProcsEvent) => void,
): Promise<WaitVerdict> {
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
        const v = judge(last, oneShot);
        if (v) finish(v);
      } while (again);
    } catch (err) {
      finish({ kind: 'failed', reason: err instanceof Error ? err.message : String(err), units: [] });
    } finally {
      asking = false;
    }
  };
  const feed = api.events((e) => {
    onEvent?.(e);
    void ask();
  });
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => finish(timedOut(last, timeoutMs, oneShot)), timeoutMs);
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
function timedOut(rows: readonly UnitRow[], ms: number, oneShot: OneShot): WaitVerdict {
  const waiting = rows.filter((u) => !isUp(u, oneShot(u)));
  const list = waiting.map((u) => `${u.name} (${u.state}${u.state === 'running' ? (oneShot(u) ? ', not completed' : ', not ready') : ''})`).join(', ');
  return { kind: 'timeout', reason: `timed out after ${formatDuration(ms)} waiting for ${list || 'the project'}`, units: waiting.map((u) => u.name) };
}
