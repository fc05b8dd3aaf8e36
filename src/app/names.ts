// Unit names as commands give them: a unit, or a pool meaning each of its instances. An unknown
// name is an error that suggests the closest known one.
import { suggest } from '../base/suggest.js';
import { ControlError } from '../control/api.js';

interface Named {
  readonly name: string;
  readonly kind: string;
  readonly pool?: string | null;
}

/** `; did you mean 'x'?` when a known name is close to `name`, else nothing. */
export function suggestName(name: string, known: readonly string[]): string {
  const hint = suggest(name, known);
  return hint ? `; did you mean '${hint}'?` : '';
}

/**
 * The unit names that `wanted` stands for, in unit order (a pool name gives its instances).
 * None wanted means every unit. Throws `unknown-unit` for a name that is neither.
 */
export function resolveUnits(wanted: readonly string[], units: readonly Named[], pools: readonly string[] = []): string[] {
  if (wanted.length === 0) return units.map((u) => u.name);
  const known = [...new Set([...units.map((u) => u.name), ...units.flatMap((u) => (u.pool ? [u.pool] : [])), ...pools])];
  for (const name of wanted) {
    if (!known.includes(name)) throw new ControlError('unknown-unit', `no unit named '${name}'${suggestName(name, known)}`);
  }
  const set = new Set(wanted);
  return units.filter((u) => set.has(u.name) || (u.kind === 'instance' && u.pool != null && set.has(u.pool))).map((u) => u.name);
}
