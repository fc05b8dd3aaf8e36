// The dependency graph, pure: start order, stop order, cycles, and what depends on what.
// Used by the loader (order of `Spec.units`, cycle errors) and by the runtime (stop order, skips).
import type { UnitSpec } from './spec.js';

/** The names a node depends on (names that are not nodes are ignored). */
export type DepsOf = (name: string) => readonly string[];

/**
 * Dependencies before dependents, keeping declaration order wherever the dependencies allow.
 * Nodes on a cycle (which the loader rejects) come last, in declaration order.
 */
export function topoOrder(nodes: readonly string[], depsOf: DepsOf): string[] {
  const known = new Set(nodes);
  const placed = new Set<string>();
  const order: string[] = [];
  let progress = true;
  while (progress && order.length < nodes.length) {
    progress = false;
    for (const n of nodes) {
      if (placed.has(n)) continue;
      if (depsOf(n).every((d) => !known.has(d) || placed.has(d) || d === n)) {
        placed.add(n);
        order.push(n);
        progress = true;
        break; // restart from the top: the earliest declared ready node goes next
      }
    }
  }
  for (const n of nodes) if (!placed.has(n)) order.push(n);
  return order;
}

/** Dependents before their dependencies: the order to stop things in. */
export function reverseTopoOrder(nodes: readonly string[], depsOf: DepsOf): string[] {
  return topoOrder(nodes, depsOf).reverse();
}

/** One cycle per strongly connected component that has one, each as `[a, b, …, a]`. */
export function findCycles(nodes: readonly string[], depsOf: DepsOf): string[][] {
  const known = new Set(nodes);
  const edges = (n: string): string[] => depsOf(n).filter((d) => known.has(d));
  const cycles: string[][] = [];
  for (const scc of stronglyConnected(nodes, edges)) {
    const start = nodes.find((n) => scc.has(n))!;
    if (scc.size === 1 && !edges(start).includes(start)) continue;
    cycles.push(shortestCycle(start, scc, edges));
  }
  return cycles;
}

/** Tarjan's algorithm; components come out in no particular order and are sorted by first node. */
function stronglyConnected(nodes: readonly string[], edges: (n: string) => string[]): Set<string>[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: Set<string>[] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc = new Set<string>();
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.add(w);
      } while (w !== v);
      out.push(scc);
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  const first = (s: Set<string>): number => nodes.findIndex((n) => s.has(n));
  return out.sort((a, b) => first(a) - first(b));
}

/** The shortest path from `start` back to itself inside one component (breadth first). */
function shortestCycle(start: string, scc: Set<string>, edges: (n: string) => string[]): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of edges(v)) {
      if (!scc.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** Each unit's dependencies as unit names: a dependency on a pool means all of its instances. */
export function unitDepsOf(units: readonly UnitSpec[]): DepsOf {
  const byPool = new Map<string, string[]>();
  for (const u of units) if (u.kind === 'instance' && u.pool !== undefined) {
    byPool.set(u.pool, [...(byPool.get(u.pool) ?? []), u.name]);
  }
  const deps = new Map(units.map((u) => [u.name, u.dependsOn.flatMap((d) => byPool.get(d.name) ?? [d.name])]));
  return (name) => deps.get(name) ?? [];
}

/** Unit names in the order to start them. */
export function startOrder(units: readonly UnitSpec[]): string[] {
  return topoOrder(units.map((u) => u.name), unitDepsOf(units));
}

/** Unit names in the order to stop them: every unit before what it depends on. */
export function stopOrder(units: readonly UnitSpec[]): string[] {
  return reverseTopoOrder(units.map((u) => u.name), unitDepsOf(units));
}

/** The units that depend on `name` (a unit or a pool), directly or not, in start order. */
export function dependentsOf(units: readonly UnitSpec[], name: string): string[] {
  const depsOf = unitDepsOf(units);
  const hit = new Set(units.filter((u) => u.name === name || (u.kind === 'instance' && u.pool === name)).map((u) => u.name));
  const found = new Set<string>();
  for (const n of startOrder(units)) {
    if (!hit.has(n) && depsOf(n).some((d) => hit.has(d) || found.has(d))) found.add(n);
  }
  return [...found];
}

/** The named units (or pools) and everything they depend on, directly or not, in start order. */
export function withDependencies(units: readonly UnitSpec[], names: readonly string[]): string[] {
  const depsOf = unitDepsOf(units);
  const want = new Set<string>();
  const add = (n: string): void => {
    if (want.has(n)) return;
    want.add(n);
    for (const d of depsOf(n)) add(d);
  };
  for (const u of units) if (names.includes(u.name) || (u.kind === 'instance' && names.includes(u.pool ?? ''))) add(u.name);
  return startOrder(units).filter((n) => want.has(n));
}
