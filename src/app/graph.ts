// Gathering `procs graph`: the spec's graph and, when the project runs, each unit's state asked
// over the control socket the way `procs ps` does. A project that does not run has no states.
import type { Spec } from '../config/spec.js';
import { ControlError } from '../control/api.js';
import type { UnitState } from '../events/types.js';
import { buildGraph, type Graph } from '../output/graph.js';
import { projectStatus } from './command.js';
import { UsageError } from './usage-error.js';
import { suggest } from '../base/suggest.js';

/** Each unit's state in the project running from `files`; undefined when none runs there. */
export async function runningStates(files: readonly string[]): Promise<ReadonlyMap<string, UnitState> | undefined> {
  try {
    const status = await projectStatus(files);
    return new Map(status.units.map((u) => [u.name, u.state]));
  } catch (err) {
    if (err instanceof ControlError && err.code === 'not-running') return undefined;
    throw err;
  }
}

/** The graph of `spec` (of `names` and what they need, when named); a UsageError for an unknown name. */
export function projectGraph(spec: Spec, names: readonly string[], states: ReadonlyMap<string, UnitState> | undefined): Graph {
  const known = [...new Set([...spec.units.map((u) => (u.kind === 'instance' && u.pool !== undefined ? u.pool : u.name)), ...spec.pools.map((p) => p.name)])];
  // An instance stands for its pool, the node it is drawn in.
  const poolOf = new Map(spec.units.flatMap((u) => (u.kind === 'instance' && u.pool !== undefined ? [[u.name, u.pool] as const] : [])));
  const nodes = names.map((n) => poolOf.get(n) ?? n);
  for (const n of nodes) {
    if (known.includes(n)) continue;
    const hint = suggest(n, known);
    throw new UsageError(`no unit named '${n}'${hint ? `; did you mean '${hint}'?` : ''}`);
  }
  return buildGraph(spec, nodes, states);
}
