// The dependency graph in layers: each node one column right of the deepest node it depends on
// (watch rules' restart targets do not count). Pure.
import type { Graph, GraphNode } from './types.js';

export function layers(graph: Graph): GraphNode[][] {
  const deps = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.condition === 'restarts') continue;
    deps.set(e.from, [...(deps.get(e.from) ?? []), e.to]);
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0; // a cycle: the spec refuses those; never loop on one
    visiting.add(name);
    let d = 0;
    for (const to of deps.get(name) ?? []) d = Math.max(d, depthOf(to) + 1);
    visiting.delete(name);
    depth.set(name, d);
    return d;
  };
  const out: GraphNode[][] = [];
  for (const n of graph.nodes) {
    const d = depthOf(n.name);
    while (out.length <= d) out.push([]);
    out[d]!.push(n);
  }
  return out;
}

/** What a node depends on, with the conditions: `db (healthy)`. */
export function dependsOn(graph: Graph, name: string): string[] {
  return graph.edges.filter((e) => e.from === name && e.condition !== 'restarts').map((e) => `${e.to} (${e.condition})`);
}

/** The colour class of a node's state; a pool's mixed `2 ready, 1 starting` takes its worst. */
export function stateClass(state: string | undefined): string {
  if (state === undefined) return 'st-unknown';
  const words = state.split(/[^a-z]+/).filter((w) => w !== '');
  for (const bad of ['failed', 'unhealthy', 'backoff', 'pending', 'starting', 'stopping', 'running', 'ready']) if (words.includes(bad)) return `st-${bad}`;
  return `st-${words[0] ?? 'unknown'}`;
}
