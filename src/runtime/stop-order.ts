// In which order units go down: dependents before what they depend on, and for a rolling
// restart, which units restart together. Pure apart from the stop function it is given.
import type { UnitSpec } from '../config/spec.js';
import { dependents } from './deps.js';

/** Restart batches for a rolling restart: each pool instance alone, other units together first. */
export function rollingBatches(names: readonly string[], specs: readonly UnitSpec[]): string[][] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const plain = names.filter((n) => byName.get(n)?.kind !== 'instance');
  const instances = names.filter((n) => byName.get(n)?.kind === 'instance');
  return [...(plain.length > 0 ? [plain] : []), ...instances.map((n) => [n])];
}

/**
 * Runs `stop` for each named unit, each only once the units in the set that depend on it have
 * stopped (unless `ordered()` says otherwise by then: a kill of everything does not wait).
 */
export async function stopInOrder(
  names: readonly string[],
  specs: readonly UnitSpec[],
  stop: (name: string) => Promise<void>,
  ordered: () => boolean,
): Promise<void> {
  const inSet = new Set(names);
  const deps = dependents(specs);
  const done = new Map<string, Promise<void>>();
  const stopOf = (name: string): Promise<void> => {
    let p = done.get(name);
    if (p) return p;
    const before = (deps.get(name) ?? []).filter((d) => inSet.has(d) && d !== name);
    p = Promise.resolve().then(async () => {
      if (ordered()) await Promise.all(before.map(stopOf));
      await stop(name);
    });
    done.set(name, p);
    return p;
  };
  // A cycle cannot reach here: the loader rejects cyclic specs.
  await Promise.all(names.map(stopOf));
}
