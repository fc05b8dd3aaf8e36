// The dependency graph of a spec, pure: one node per process, pool (its instances as one node:
// `depends_on` names the pool, and the instances share their dependencies) and pipeline, one
// edge per dependency with its condition, and each watch rule's restart targets. Renderers:
// graph-text.ts (a tree), graph-formats.ts (Graphviz dot, Mermaid).
import type { DependencyCondition, Spec, UnitSpec } from '../config/spec.js';
import type { UnitState } from '../events/types.js';

export interface GraphNode {
  /** The unit, pool or watch rule name. */
  readonly name: string;
  readonly kind: 'process' | 'pool' | 'pipeline' | 'watch';
  /** A pool's instance count. */
  readonly replicas?: number;
  /** Its state when the project runs: a pool's as `ready` when all instances agree, else `2 ready, 1 starting`. */
  readonly state?: string;
}

export interface GraphEdge {
  /** The dependent (or the watch rule)… */
  readonly from: string;
  /** …and what it depends on (or restarts). */
  readonly to: string;
  /** A dependency's condition, or `restarts` for a watch rule's target. */
  readonly condition: DependencyCondition | 'restarts';
  /** `restart: true`: the dependent restarts with it. */
  readonly restart?: true;
}

export interface Graph {
  readonly project: string;
  /** Nodes in the spec's order. */
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** The node a unit belongs to: its pool for an instance. */
function nodeOf(u: UnitSpec): string {
  return u.kind === 'instance' && u.pool !== undefined ? u.pool : u.name;
}

/** A pool's state from its instances': `ready`, or `2 ready, 1 starting`. */
function poolState(states: readonly UnitState[]): string | undefined {
  if (states.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  if (counts.size === 1) return states[0];
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}

/**
 * The graph of `spec`; with `names`, only those units (pools by their name) and what they depend
 * on. `states` gives each unit's state (instances by their own name) when the project runs.
 */
export function buildGraph(spec: Spec, names: readonly string[] = [], states?: ReadonlyMap<string, UnitState>): Graph {
  const firstOf = new Map<string, UnitSpec>();
  const instances = new Map<string, UnitSpec[]>();
  const nodeByUnit = new Map<string, string>();
  for (const u of spec.units) {
    const n = nodeOf(u);
    nodeByUnit.set(u.name, n);
    if (!firstOf.has(n)) firstOf.set(n, u);
    instances.set(n, [...(instances.get(n) ?? []), u]);
  }
  // Pools scaled to 0 have no instances but are still nodes.
  for (const p of spec.pools) if (!instances.has(p.name)) instances.set(p.name, []);
  const depsOf = (n: string): readonly { name: string; condition: DependencyCondition; restart?: true }[] => firstOf.get(n)?.dependsOn ?? [];
  let wanted: Set<string>;
  if (names.length === 0) wanted = new Set(instances.keys());
  else {
    wanted = new Set();
    const stack = [...names];
    for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
      if (wanted.has(n) || !instances.has(n)) continue;
      wanted.add(n);
      stack.push(...depsOf(n).map((d) => d.name));
    }
  }
  const pools = new Map(spec.pools.map((p) => [p.name, p]));
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const [name, list] of instances) {
    if (!wanted.has(name)) continue;
    const pool = pools.get(name);
    const unitStates = states ? list.flatMap((u) => (states.has(u.name) ? [states.get(u.name)!] : [])) : [];
    const state = pool ? poolState(unitStates) : unitStates[0];
    const kind = pool ? 'pool' : firstOf.get(name)?.kind === 'pipeline' ? 'pipeline' : 'process';
    nodes.push({ name, kind, ...(pool ? { replicas: list.length } : {}), ...(state !== undefined ? { state } : {}) });
    for (const d of depsOf(name)) {
      if (!instances.has(d.name)) continue;
      edges.push({ from: name, to: d.name, condition: d.condition, ...(d.restart ? { restart: true as const } : {}) });
    }
  }
  // Watch rules only in the whole graph: they stand beside the units, not under them.
  if (names.length === 0) {
    for (const w of spec.watch) {
      const targets = [...new Set(w.restart.map((t) => nodeByUnit.get(t) ?? t))].filter((t) => wanted.has(t));
      const state = states?.get(w.name);
      nodes.push({ name: w.name, kind: 'watch', ...(state !== undefined ? { state } : {}) });
      for (const t of targets) edges.push({ from: w.name, to: t, condition: 'restarts' });
    }
  }
  return { project: spec.project, nodes, edges };
}

/** `worker ×4`, `api`. */
export function nodeTitle(n: GraphNode): string {
  return n.kind === 'pool' ? `${n.name} ×${n.replicas ?? 0}` : n.name;
}

/** `healthy`, `healthy, restart: true`, `restarts`. */
export function edgeLabel(e: GraphEdge): string {
  return e.restart ? `${e.condition}, restart: true` : e.condition;
}
