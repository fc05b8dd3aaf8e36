// The startup of a run from its events: when each unit was spawned and up, and the critical chain
// (the units that decided the time to all-ready), as systemd-analyze critical-chain tells it. Pure.
import { resolveDependency } from '../config/graph.js';
import type { UnitSpec } from '../config/spec.js';
import type { ProcsEvent } from '../events/types.js';
import { formatDuration } from './format.js';

/** One unit's startup in a run; times in milliseconds from the run's `start` event. */
export interface UnitStartup {
  readonly unit: string;
  /** Its first spawn in the run; null when it never spawned. */
  readonly spawnedMs: number | null;
  /** When it was first up: ready, running (no readiness probe), completed (a one-shot step) or scheduled; null when never. */
  readonly upMs: number | null;
  /** Its own time: from its spawn to up. */
  readonly tookMs: number | null;
  readonly how: 'ready' | 'running' | 'completed' | 'scheduled' | null;
}

export interface StartupAnalysis {
  /** The run's `start` event time (ISO-8601), null when the events hold none. */
  readonly startedAt: string | null;
  /** From start until every unit started was up; null when one never was. */
  readonly allUpMs: number | null;
  readonly units: readonly UnitStartup[];
  /** The critical chain, first unit first. */
  readonly chain: readonly UnitStartup[];
}

type How = NonNullable<UnitStartup['how']>;

/** Whether a unit counts as up once spawned: no readiness probe and not a one-shot step. */
function upOnSpawn(unit: UnitSpec): boolean {
  return !unit.health.readiness && unit.restart.policy !== 'never';
}

/** How an event makes its unit up for the first time, if it does. */
function upBy(unit: UnitSpec, e: ProcsEvent): How | undefined {
  if (unit.schedule) return e.type === 'spawn' || e.state === 'scheduled' ? 'scheduled' : undefined;
  if (e.type === 'ready') return 'ready';
  if (e.type === 'exit' && e.state === 'completed') return 'completed';
  if (e.type === 'spawn' && upOnSpawn(unit)) return 'running';
  return undefined;
}

/** The events from the run's `start` event on (all of them when there is none). */
function fromStart(events: readonly ProcsEvent[]): readonly ProcsEvent[] {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]?.type === 'start') return events.slice(i);
  return events;
}

export function analyzeStartup(events: readonly ProcsEvent[], units: readonly UnitSpec[]): StartupAnalysis {
  const run = fromStart(events);
  const start = run[0]?.type === 'start' ? run[0] : undefined;
  const t0 = Date.parse((start ?? run[0])?.ts ?? '');
  const byName = new Map(units.map((u) => [u.name, u]));
  const spawned = new Map<string, number>();
  const up = new Map<string, { at: number; how: How }>();
  for (const e of run) {
    const unit = byName.get(e.unit);
    if (!unit) continue;
    const at = Date.parse(e.ts) - t0;
    if (!Number.isFinite(at)) continue;
    // A scheduled unit is up once it waits for its tick: its first event says so.
    if ((e.type === 'spawn' || unit.schedule) && !spawned.has(e.unit)) spawned.set(e.unit, at);
    const how = up.has(e.unit) ? undefined : upBy(unit, e);
    if (how) up.set(e.unit, { at, how: unit.schedule ? 'scheduled' : how });
  }
  const rows: UnitStartup[] = units.map((u) => {
    const s = spawned.get(u.name) ?? null;
    const w = up.get(u.name);
    return {
      unit: u.name,
      spawnedMs: s,
      upMs: w?.at ?? null,
      tookMs: s !== null && w ? Math.max(0, w.at - s) : null,
      how: w?.how ?? null,
    };
  });
  const started = rows.filter((r) => r.spawnedMs !== null);
  const allUp = started.length > 0 && started.every((r) => r.upMs !== null);
  const allUpMs = allUp ? Math.max(...started.map((r) => r.upMs!)) : null;
  return { startedAt: start?.ts ?? null, allUpMs, units: rows, chain: allUp ? criticalChain(rows, byName) : [] };
}

/**
 * From the unit up last, back through the dependency that was up last before it could start
 * (its `started` dependencies count from their spawn), until a unit with none.
 */
function criticalChain(rows: readonly UnitStartup[], byName: ReadonlyMap<string, UnitSpec>): UnitStartup[] {
  const rowOf = new Map(rows.map((r) => [r.unit, r]));
  const specs = [...byName.values()];
  let last: UnitStartup | undefined;
  for (const r of rows) if (r.upMs !== null && (!last || r.upMs > last.upMs!)) last = r;
  const chain: UnitStartup[] = [];
  const seen = new Set<string>();
  for (let cur = last; cur && !seen.has(cur.unit);) {
    seen.add(cur.unit);
    chain.unshift(cur);
    const spec = byName.get(cur.unit);
    if (!spec || cur.spawnedMs === null) break;
    let next: UnitStartup | undefined;
    let nextAt = -Infinity;
    for (const dep of spec.dependsOn) {
      for (const d of resolveDependency(dep.name, specs)) {
        const r = rowOf.get(d.name);
        const at = dep.condition === 'started' ? r?.spawnedMs : r?.upMs;
        if (!r || at === null || at === undefined || at > cur.spawnedMs || at <= nextAt) continue;
        next = r;
        nextAt = at;
      }
    }
    cur = next;
  }
  return chain;
}

/** `setup 0.3s → api 1.6s → worker.1 0.5s` */
export function chainText(chain: readonly UnitStartup[]): string {
  return chain.map((r) => `${r.unit} ${formatDuration(r.tookMs ?? 0)}`).join(' → ');
}

/** `all 6 units up in 2.4s · critical chain: setup 0.3s → api 1.6s → worker.1 0.5s`; undefined when not all were up. */
export function summaryLine(a: StartupAnalysis): string | undefined {
  if (a.allUpMs === null) return undefined;
  const n = a.units.filter((r) => r.upMs !== null).length;
  const chain = a.chain.length > 0 ? ` · critical chain: ${chainText(a.chain)}` : '';
  return `all ${n} unit${n === 1 ? '' : 's'} up in ${formatDuration(a.allUpMs)}${chain}`;
}
