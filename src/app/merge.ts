// Pure helpers of the reconciler: what is observed of the running units, and the spec a scale
// asks for (the running spec with only the scaled pools taken from a fresh load).
import type { Spec, UnitSpec } from '../config/spec.js';
import type { ObservedUnit } from '../reconcile/plan.js';
import type { UnitState } from '../events/types.js';

/** The units as `plan()` sees them: definitions' hashes beside their states. */
export function observe(specs: readonly UnitSpec[], states: readonly { name: string; state: UnitState }[]): ObservedUnit[] {
  const stateOf = new Map(states.map((s) => [s.name, s.state]));
  return specs.map((u) => ({ name: u.name, hash: u.hash, state: stateOf.get(u.name) ?? 'stopped' }));
}

/** Whether a unit belongs to `name`: it is that unit, or an instance of that pool. */
function belongsTo(unit: UnitSpec, name: string): boolean {
  return unit.name === name || (unit.kind === 'instance' && unit.pool === name);
}

/**
 * The spec after scaling `names`: the running spec, with the units and pool sizes of `names`
 * taken from `loaded` (the spec read again with the new counts). Other differences between the
 * file and the running project are left for `reload`: scaling changes only what it names.
 */
export function scaledSpec(current: Spec, loaded: Spec, names: readonly string[]): Spec {
  const touched = (u: UnitSpec): boolean => names.some((n) => belongsTo(u, n));
  const mine = new Map(current.units.map((u) => [u.name, u]));
  const units: UnitSpec[] = [];
  for (const u of loaded.units) {
    if (touched(u)) units.push(u);
    else {
      const kept = mine.get(u.name);
      if (kept) units.push(kept);
    }
  }
  const placed = new Set(units.map((u) => u.name));
  for (const u of current.units) if (!placed.has(u.name) && !touched(u)) units.push(u);
  const loadedPools = new Map(loaded.pools.map((p) => [p.name, p]));
  const pools = current.pools.map((p) => (names.includes(p.name) ? (loadedPools.get(p.name) ?? p) : p));
  for (const p of loaded.pools) if (names.includes(p.name) && !pools.some((q) => q.name === p.name)) pools.push(p);
  return { ...current, units, pools };
}

/** The names that can be scaled: pools, and, in a project run from a Procfile, its entries. */
export function scalable(spec: Spec): string[] {
  const pools = spec.pools.map((p) => p.name);
  const procfile = spec.files.some((f) => /(^|\/)Procfile(\.[^/]*)?$/.test(f));
  if (!procfile) return pools;
  return [...new Set([...pools, ...spec.units.filter((u) => u.kind === 'process').map((u) => u.name)])];
}

/** The current size of a scalable name: its pool's replicas, or 1 for a single Procfile process. */
export function sizeOf(spec: Spec, name: string): number {
  return spec.pools.find((p) => p.name === name)?.replicas ?? (spec.units.some((u) => u.name === name) ? 1 : 0);
}
