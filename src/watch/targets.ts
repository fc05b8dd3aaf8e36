// Which watch rules are on and which units a rule restarts. Pure, and kept apart from the
// watchers so that `ps` and `reload` can tell which rules are on without loading them.
import type { Spec, UnitSpec, WatchRule } from '../config/spec.js';
import { closure } from '../config/graph.js';

/** The rules `up` turns on: those without targets, and those with a target among the units it starts. */
export function activeRules(spec: Spec, selected?: readonly string[]): WatchRule[] {
  return spec.watch.filter((r) => r.restart.length === 0 || expandTargets(spec.units, r.restart, spec.units, selected).length > 0);
}

/**
 * A rule's targets as unit names, among `units` (the current ones: a scaled pool has more):
 * pools become their instances. With `selected`, only units `up` starts (named, or needed by
 * those named, in `initial`), and every instance of a pool it starts.
 */
export function expandTargets(units: readonly UnitSpec[], targets: readonly string[], initial: readonly UnitSpec[], selected?: readonly string[]): string[] {
  const picked = selected === undefined ? undefined : closure(selected, initial);
  const pools = new Set(initial.flatMap((u) => (u.kind === 'instance' && u.pool !== undefined && picked?.has(u.name) ? [u.pool] : [])));
  const poolOf = (u: UnitSpec): string | undefined => (u.kind === 'instance' ? u.pool : undefined);
  return units
    .filter((u) => targets.includes(u.name) || targets.includes(poolOf(u) ?? ''))
    .filter((u) => picked === undefined || picked.has(u.name) || pools.has(poolOf(u) ?? ''))
    .map((u) => u.name);
}
