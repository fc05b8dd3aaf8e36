import type { Spec } from '../config/spec.js';
import { suggest } from '../base/suggest.js';
import { activeUnits, unknownProfiles } from '../config/profiles.js';
import { UsageError } from './usage-error.js';

/**
 * The unit names a command line asks for: units, pools (every instance) or pipelines; when none
 * are named, every unit that starts by default under the active `profiles` (see
 * config/profiles.ts). An unknown name, or a profile no unit has, is a usage error with a
 * suggestion.
 */
export function selectUnits(spec: Spec, wanted: readonly string[], profiles: readonly string[] = []): string[] {
  checkProfiles(spec, profiles);
  if (wanted.length === 0) return activeUnits(spec.units, profiles);
  const known = new Set<string>([...spec.units.map((u) => u.name), ...spec.pools.map((p) => p.name)]);
  const out: string[] = [];
  for (const name of wanted) {
    if (!known.has(name)) {
      const hint = suggest(name, [...known]);
      throw new UsageError(`no unit named '${name}' in ${spec.files.join(', ')}${hint ? `; did you mean '${hint}'?` : ''}`);
    }
    for (const u of spec.units) if (u.name === name || (u.kind === 'instance' && u.pool === name)) out.push(u.name);
  }
  return out;
}

/** `--profile` / PROCS_PROFILES naming a profile no unit of `spec` has: a usage error. */
export function checkProfiles(spec: Spec, profiles: readonly string[]): void {
  const unknown = unknownProfiles(spec.units, profiles, ` in ${spec.files.join(', ')}`);
  if (unknown.length > 0) throw new UsageError(unknown.join('; '));
}
