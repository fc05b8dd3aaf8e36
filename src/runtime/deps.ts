import { resolveDependency } from '../config/graph.js';
import type { Dependency, UnitSpec } from '../config/spec.js';
import type { UnitState } from '../events/types.js';

/** What the scheduler knows of a unit when deciding whether its dependents may start. */
export interface DepView {
  readonly state: UnitState;
  /** Has spawned at least once in this run. */
  readonly everStarted: boolean;
  /** Has passed readiness (or started, when it has no readiness probe) at least once. */
  readonly everReady: boolean;
}

export type DepVerdict =
  { readonly kind: 'go' } | { readonly kind: 'wait'; readonly on: readonly string[] } | { readonly kind: 'skip'; readonly reason: string };

const GONE: ReadonlySet<UnitState> = new Set(['failed', 'skipped']);

/** Whether one unit's dependency condition holds for a dependency in the given view. */
function conditionHolds(dep: Dependency, view: DepView): boolean | 'never' {
  switch (dep.condition) {
    case 'started':
      return view.everStarted || view.state === 'completed';
    case 'healthy':
      return view.everReady || view.state === 'completed';
    case 'completed':
      if (view.state === 'completed') return true;
      if (view.state === 'stopped') return 'never';
      return false;
  }
}

/**
 * Decides whether a unit may start now, must wait (and on what), or can never start because a
 * dependency failed for good. Pure: a function of the spec and the views it is given.
 */
export function evaluateDependencies(unit: UnitSpec, units: readonly UnitSpec[], view: (name: string) => DepView | undefined): DepVerdict {
  const waiting: string[] = [];
  for (const dep of unit.dependsOn) {
    const targets = resolveDependency(dep.name, units);
    for (const target of targets) {
      const v = view(target.name);
      if (!v) {
        waiting.push(target.name);
        continue;
      }
      if (GONE.has(v.state)) {
        const how = v.state === 'skipped' ? 'was skipped' : 'failed';
        return { kind: 'skip', reason: `dependency ${target.name} ${how}` };
      }
      const holds = conditionHolds(dep, v);
      if (holds === 'never') {
        return { kind: 'skip', reason: `dependency ${target.name} stopped before it completed` };
      }
      if (!holds) waiting.push(target.name);
    }
  }
  return waiting.length === 0 ? { kind: 'go' } : { kind: 'wait', on: waiting };
}

/** For each unit, the units that depend on it (a pool dependency counts for every instance). */
export function dependents(units: readonly UnitSpec[]): Map<string, string[]> {
  const out = new Map<string, string[]>(units.map((u) => [u.name, []]));
  for (const u of units) {
    for (const dep of u.dependsOn) {
      for (const target of resolveDependency(dep.name, units)) out.get(target.name)?.push(u.name);
    }
  }
  return out;
}
