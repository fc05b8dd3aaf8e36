// The facts `procs why` reasons from, and the unit rows folded from a run's events when no procs
// runs the project any more (after the fact). Pure.
import type { DependencyCondition } from '../config/spec.js';
import type { ProbeResult, ProcsEvent, UnitState } from '../events/types.js';
import type { UnitRow } from '../events/unit-row.js';

/** What the spec says of a unit, as far as `why` needs it. */
export interface WhySpecUnit {
  /** Its dependencies, pools already resolved to their instances. */
  readonly dependsOn: readonly { readonly name: string; readonly condition: DependencyCondition }[];
  /** Its readiness probe as shown (`http GET http://127.0.0.1:3000/health`), when it has one. */
  readonly readiness?: string;
  /** Its liveness probe as shown, when it has one. */
  readonly liveness?: string;
  /** `restart.max_restarts`. */
  readonly maxRestarts?: number;
}

export interface WhyFacts {
  /** Every unit as `ps` shows it: live rows, or rows folded from the run's events. */
  readonly units: readonly UnitRow[];
  /** The spec's units by name; empty when the spec did not load (after the fact). */
  readonly spec: ReadonlyMap<string, WhySpecUnit>;
  /** This run's events, oldest first. */
  readonly events: readonly ProcsEvent[];
  /** Each unit's last lines, oldest first. */
  readonly lines: ReadonlyMap<string, readonly string[]>;
  /** Now, epoch ms. */
  readonly now: number;
  /** Whether a procs runs the project now (else: the facts of its last run). */
  readonly live: boolean;
}

/** How many answers of each probe a folded row keeps. */
const PROBES_KEPT = 4;

interface Folding {
  name: string;
  state: UnitState;
  pid: number | null;
  spawns: number;
  started_at: string | null;
  exit: { code: number | null; signal: string | null };
  reason: string | null;
  probes: ProbeResult[];
}

/**
 * The unit rows a run's events leave: each unit that has an event (besides `procs` and watch
 * rules), plus `known` units without any (never started in that run: `inactive`).
 */
export function foldRows(events: readonly ProcsEvent[], known: readonly string[] = []): UnitRow[] {
  const rules = new Set(events.filter((e) => e.type === 'watch').map((e) => e.unit));
  const rows = new Map<string, Folding>();
  const row = (name: string): Folding => {
    let r = rows.get(name);
    if (!r) {
      r = { name, state: 'pending', pid: null, spawns: 0, started_at: null, exit: { code: null, signal: null }, reason: null, probes: [] };
      rows.set(name, r);
    }
    return r;
  };
  for (const e of events) {
    if (e.unit === 'procs' || rules.has(e.unit) || e.type === 'start' || e.type === 'watch' || e.type === 'build') continue;
    if (e.type === 'reload' || e.type === 'scale' || e.type === 'config-error' || e.type === 'hook') continue;
    const r = row(e.unit);
    if (e.state !== undefined) r.state = e.state;
    switch (e.type) {
      case 'spawn':
        Object.assign(r, { pid: e.pid, started_at: e.ts, reason: null, probes: [] });
        r.spawns += 1;
        break;
      case 'exit':
        r.exit = { code: e.exit.code, signal: e.exit.signal };
        r.pid = null;
        break;
      case 'failed':
      case 'unhealthy':
        r.reason = e.reason;
        break;
      case 'stop':
        if (e.state === 'stopped' || e.state === 'skipped') r.pid = null;
        if (e.state === 'skipped') r.reason = e.reason;
        break;
      case 'probe':
        r.probes = keepProbe(r.probes, e.result);
        break;
      default:
        break;
    }
  }
  for (const name of known) if (!rows.has(name)) rows.set(name, { ...row(name), state: 'inactive', reason: 'not started in the last run' });
  return [...rows.values()].map((r) => ({
    name: r.name,
    kind: 'process',
    pool: null,
    state: r.state,
    pid: r.pid,
    restarts: Math.max(0, r.spawns - 1),
    started_at: r.started_at,
    exit: r.exit,
    health: { readiness: null, liveness: null },
    reason: r.reason,
    ...(r.probes.length > 0 ? { probes: r.probes } : {}),
  }));
}

/** A unit's latest probe answers from the run's `probe` events (for rows that do not carry them). */
export function probesFrom(events: readonly ProcsEvent[], unit: string): ProbeResult[] {
  let kept: ProbeResult[] = [];
  for (const e of events) if (e.type === 'probe' && e.unit === unit) kept = keepProbe(kept, e.result);
  return kept;
}

/** The answers kept after `result`: a repeat of the last answer of its probe replaces it. */
function keepProbe(kept: readonly ProbeResult[], result: ProbeResult): ProbeResult[] {
  const last = kept.findLast((p) => p.probe === result.probe);
  const same = last !== undefined && last.ok === result.ok && last.detail === result.detail;
  const others = kept.filter((p) => p !== (same ? last : undefined));
  const mine = [...others.filter((p) => p.probe === result.probe), result].slice(-PROBES_KEPT);
  return [...others.filter((p) => p.probe !== result.probe), ...mine];
}

/** Whether `state` meets a dependency's `condition` (the unit `hasReadiness` or not). */
export function conditionMet(condition: DependencyCondition, state: UnitState, hasReadiness: boolean): boolean {
  switch (condition) {
    case 'started':
      return state === 'running' || state === 'ready' || state === 'unhealthy' || state === 'completed';
    case 'healthy':
      return state === 'ready' || state === 'completed' || (!hasReadiness && state === 'running');
    case 'completed':
      return state === 'completed';
  }
}
