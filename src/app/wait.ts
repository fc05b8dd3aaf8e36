// `up --wait`: watch the project until every selected unit is up (ready, or running for a second
// when it has no readiness probe; one-shot steps completed), or one of them fails, is skipped or stopped,
// exits (a unit that exits while it is waited on — crash-looping or not — ends the wait, unless
// it completed), or the time runs out. Driven by the event feed: each event asks for a fresh
// status. A row does not say whether a unit is a one-shot step (`restart: never`): the caller,
// who has read the spec, names them.
import type { Spec } from '../config/spec.js';
import { describeExitBriefly } from '../events/exit.js';
import { isUpState, type ProcsEvent } from '../events/types.js';
import { formatDuration } from '../output/format.js';
import type { ControlApi, UnitRow } from '../control/api.js';

export type WaitVerdict =
  | { readonly kind: 'ready'; readonly units: readonly UnitRow[] }
  | { readonly kind: 'failed'; readonly reason: string; readonly units: readonly string[] }
  | { readonly kind: 'timeout'; readonly reason: string; readonly units: readonly string[] };

/** Whether a unit counts as up for `--wait`: a one-shot step only once it has completed. */
export function isUp(u: UnitRow, oneShot = false): boolean {
  if (oneShot) return u.state === 'completed';
  return u.state === 'completed' || isUpState(u.state, u.health.readiness !== null);
}

/**
 * How long a unit without a readiness probe must have run, without exiting, to count as up for
 * `--wait` (supervisord's `startsecs`): a program that crashes as it starts fails the wait
 * instead of passing it for the moment it was running.
 */
export const SETTLE_MS = 1000;

/** When (epoch ms) a running unit without a probe will have run `SETTLE_MS`; undefined for others. */
function settlesAt(u: UnitRow): number | undefined {
  if (u.state !== 'running' || u.health.readiness !== null || u.started_at === null) return undefined;
  return Date.parse(u.started_at) + SETTLE_MS;
}

/** Tells the one-shot steps among rows. */
export type OneShot = (u: UnitRow) => boolean;

const NONE: OneShot = () => false;

/** The earliest time (epoch ms) one of `rows` will have run `SETTLE_MS` without a probe; Infinity when none will. */
export function nextSettle(rows: readonly UnitRow[], oneShot: OneShot = NONE): number {
  return Math.min(...rows.map((u) => (oneShot(u) ? undefined : settlesAt(u)) ?? Infinity));
}

/** One-shot steps by name: units, or pools meaning each of their instances. */
export function oneShotNamed(names: ReadonlySet<string>): OneShot {
  return (u) => names.has(u.name) || (u.pool !== null && names.has(u.pool));
}

/** The spec's one-shot steps (`restart: never`), which `--wait` waits on until they have completed. */
export function oneShotSteps(spec: Spec): OneShot {
  const steps = spec.units.filter((u) => u.restart.policy === 'never' && !u.schedule);
  return oneShotNamed(new Set(steps.flatMap((u) => (u.kind === 'instance' && u.pool !== undefined ? [u.name, u.pool] : [u.name]))));
}

/** What a wait knows of units exiting beside the status: restarts before it, exits during it. */
export interface Exits {
  /** Each unit's restarts when the wait began (absent: 0): more since means it exited. */
  readonly baseline?: ReadonlyMap<string, number>;
  /** Units seen to exit and restart during the wait, with how. */
  readonly seen?: ReadonlyMap<string, { readonly code: number | null; readonly signal: string | null }>;
}

/**
 * The verdict on one status at `now`: undefined while still waiting. Without `now`, a running
 * unit without a probe counts as up at once.
 */
export function judge(rows: readonly UnitRow[], oneShot: OneShot = NONE, exits: Exits = {}, now?: number): WaitVerdict | undefined {
  const reasons: string[] = [];
  const units: string[] = [];
  for (const u of rows) {
    if (u.state === 'failed' || u.state === 'skipped' || u.state === 'stopped') reasons.push(`${u.name} ${u.state}${u.reason ? `: ${u.reason}` : ''}`);
    else if (u.state === 'backoff' || exits.seen?.has(u.name) || (exits.baseline && u.restarts > (exits.baseline.get(u.name) ?? 0))) {
      reasons.push(`${u.name} ${describeExitBriefly(exits.seen?.get(u.name) ?? u.exit)} while it was waited on, and restarts`);
    } else continue;
    units.push(u.name);
  }
  if (units.length > 0) return { kind: 'failed', reason: reasons.join('; '), units };
  const settled = (u: UnitRow): boolean => now === undefined || oneShot(u) || (settlesAt(u) ?? 0) <= now;
  return rows.every((u) => isUp(u, oneShot(u)) && settled(u)) ? { kind: 'ready', units: rows } : undefined;
}

/** Waits on the project until `judge` decides for the selected units (pools mean their instances). */
export async function waitForUnits(
  api: ControlApi,
  selected: readonly string[],
  timeoutMs?: number,
  oneShot: OneShot = NONE,
  onEvent?: (e: ProcsEvent) => void,
  baseline?: ReadonlyMap<string, number>,
): Promise<WaitVerdict> {
  const seen = new Map<string, { code: number | null; signal: string | null }>();
  let finish!: (v: WaitVerdict) => void;
  const verdict = new Promise<WaitVerdict>((resolve) => (finish = resolve));
  let last: readonly UnitRow[] = [];
  let asking = false;
  let again = false;
  // Asks again once the units running without a probe have run long enough to count as up.
  let settleTimer: NodeJS.Timeout | undefined;
  const askWhenSettled = (): void => {
    const at = nextSettle(last, oneShot);
    clearTimeout(settleTimer);
    if (Number.isFinite(at)) settleTimer = setTimeout(() => void ask(), Math.max(0, at - Date.now()) + 5);
  };
  const ask = async (): Promise<void> => {
    if (asking) return void (again = true);
    asking = true;
    try {
      do {
        again = false;
        last = pick((await api.status()).units, selected);
        const v = judge(last, oneShot, { ...(baseline ? { baseline } : {}), seen }, Date.now());
        if (v) finish(v);
        else askWhenSettled();
      } while (again);
    } catch (err) {
      finish({ kind: 'failed', reason: err instanceof Error ? err.message : String(err), units: [] });
    } finally {
      asking = false;
    }
  };
  const feed = api.events((e) => {
    onEvent?.(e);
    // An exit the supervisor answers with a restart: the unit went down while waited on.
    if (e.type === 'exit' && e.state === 'backoff') seen.set(e.unit, { code: e.exit.code, signal: e.exit.signal });
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
    clearTimeout(settleTimer);
    feed.close();
  }
}

/** The selected rows: named units and instances of named pools; all when none are named. */
function pick(rows: readonly UnitRow[], selected: readonly string[]): UnitRow[] {
  // None named: the units that start by default, not those left inactive (profiles, `enabled: false`).
  if (selected.length === 0) return rows.filter((u) => u.kind !== 'watch' && u.state !== 'inactive');
  return rows.filter((u) => selected.includes(u.name) || (u.pool !== null && selected.includes(u.pool)));
}

/** The timeout verdict, naming the units still not up. */
function timedOut(rows: readonly UnitRow[], ms: number, oneShot: OneShot): WaitVerdict {
  const waiting = rows.filter((u) => !isUp(u, oneShot(u)));
  const list = waiting.map((u) => `${u.name} (${u.state}${u.state === 'running' ? (oneShot(u) ? ', not completed' : ', not ready') : ''})`).join(', ');
  return { kind: 'timeout', reason: `timed out after ${formatDuration(ms)} waiting for ${list || 'the project'}`, units: waiting.map((u) => u.name) };
}
