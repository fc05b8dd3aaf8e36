import { dependencyTargets, type DependencyTargets } from '../config/graph.js';
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

export type DepVerdict = { readonly kind: 'go' } | { readonly kind: 'wait' } | { readonly kind: 'skip'; readonly reason: string };

const GO: DepVerdict = { kind: 'go' };
const WAIT: DepVerdict = { kind: 'wait' };
const GONE: ReadonlySet<UnitState> = new Set(['failed', 'skipped']);

/** The states of a dependency that can make its dependents skip: failed, skipped, or stopped before it completed. */
export const SKIPS_DEPENDENTS: ReadonlySet<UnitState> = new Set(['failed', 'skipped', 'stopped']);

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
 * Decides whether a unit may start now, must wait, or can never start because a dependency failed
 * for good. Pure: a function of the spec and the views it is given. With `noneSkips` (no unit is in
 * a state of SKIPS_DEPENDENTS), the first dependency that does not hold decides: the unit waits,
 * and the rest need no look. The scheduler asks on every event, for every pending unit.
 */
export function evaluateDependencies(unit: UnitSpec, targets: DependencyTargets, view: (name: string) => DepView | undefined, noneSkips = false): DepVerdict {
  let waiting = false;
  for (const dep of unit.dependsOn) {
    for (const target of targets(dep.name)) {
      const v = view(target.name);
      if (!v) {
        if (noneSkips) return WAIT;
        waiting = true;
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
      if (!holds) {
        if (noneSkips) return WAIT;
        waiting = true;
      }
    }
  }
  return waiting ? WAIT : GO;
}

/** For each unit, the units that depend on it (a pool dependency counts for every instance). */
export function dependents(units: readonly UnitSpec[]): Map<string, string[]> {
  const out = new Map<string, string[]>(units.map((u) => [u.name, []]));
  const targets = dependencyTargets(units);
  for (const u of units) {
    for (const dep of u.dependsOn) {
      for (const target of targets(dep.name)) out.get(target.name)?.push(u.name);
    }
  }
  return out;
}
