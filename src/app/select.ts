import type { Spec } from '../config/spec.js';
import { suggest } from '../base/suggest.js';
import { UsageError } from './usage-error.js';

/**
 * The unit names a command line asks for: units, pools (every instance) or pipelines; all
 * units when none are named. An unknown name is a usage error with a suggestion.
 */
export function selectUnits(spec: Spec, wanted: readonly string[]): string[] {
  if (wanted.length === 0) return spec.units.map((u) => u.name);
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
