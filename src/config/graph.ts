// The dependency graph, pure: start order, cycles, and what a selection of units needs.
// Used by the loader (order of `Spec.units`, cycle errors), by the runtime (what a dependency
// name stands for) and by every command that starts a selection with what it depends on.
import type { UnitSpec } from './spec.js';

/** The names a node depends on (names that are not nodes are ignored). */
export type DepsOf = (name: string) => readonly string[];

/**
 * Dependencies before dependents, keeping declaration order wherever the dependencies allow.
 * Nodes on a cycle (which the loader rejects) come last, in declaration order.
 */
export function topoOrder(nodes: readonly string[], depsOf: DepsOf): string[] {
  // Kahn's algorithm with the ready nodes in a min-heap of declaration indexes: O(E + N log N).
  const list = [...new Set(nodes)];
  const index = new Map(list.map((n, i) => [n, i]));
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of list) {
    const deps = new Set(depsOf(n).filter((d) => index.has(d) && d !== n));
    waiting.set(n, deps.size);
    for (const d of deps) {
      const list = dependents.get(d);
      if (list) list.push(n);
      else dependents.set(d, [n]);
    }
  }
  const ready = new MinHeap();
  for (const n of list) if (waiting.get(n) === 0) ready.push(index.get(n)!);
  const placed = new Set<string>();
  const order: string[] = [];
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    const n = list[i]!;
    placed.add(n);
    order.push(n); // the earliest declared ready node goes next
    for (const m of dependents.get(n) ?? []) {
      const left = waiting.get(m)! - 1;
      waiting.set(m, left);
      if (left === 0) ready.push(index.get(m)!);
    }
  }
  for (const n of list) if (!placed.has(n)) order.push(n);
  return order;
}

/** A binary min-heap of numbers. */
class MinHeap {
  private readonly items: number[] = [];

  push(v: number): void {
    const a = this.items;
    a.push(v);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  pop(): number | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && a[l]! < a[m]!) m = l;
      if (r < a.length && a[r]! < a[m]!) m = r;
      if (m === i) break;
      [a[m], a[i]] = [a[i]!, a[m]!];
      i = m;
    }
    return top;
  }
}

/** One cycle per strongly connected component that has one, each as `[a, b, …, a]`. */
export function findCycles(nodes: readonly string[], depsOf: DepsOf): string[][] {
  const known = new Set(nodes);
  const edges = (n: string): string[] => depsOf(n).filter((d) => known.has(d));
  const cycles: string[][] = [];
  const order = declarationIndex(nodes);
  for (const scc of stronglyConnected(nodes, edges, order)) {
    const start = firstDeclared(scc, order);
    if (scc.size === 1 && !edges(start).includes(start)) continue;
    cycles.push(shortestCycle(start, scc, edges));
  }
  return cycles;
}

/** Tarjan's algorithm; components come out in no particular order and are sorted by first node. */
function stronglyConnected(nodes: readonly string[], edges: (n: string) => string[], order: ReadonlyMap<string, number>): Set<string>[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: Set<string>[] = [];
  // Iterative, with an explicit frame stack: a long chain of dependencies must not overflow the call stack.
  const visit = (root: string): void => {
    const frames: { v: string; next: string[]; i: number }[] = [];
    const enter = (v: string): void => {
      index.set(v, index.size);
      low.set(v, index.get(v)!);
      stack.push(v);
      onStack.add(v);
      frames.push({ v, next: edges(v), i: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      if (f.i < f.next.length) {
        const w = f.next[f.i++]!;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(f.v, Math.min(low.get(f.v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const v = f.v;
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(v)!));
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
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  const first = new Map(out.map((s) => [s, order.get(firstDeclared(s, order)) ?? 0]));
  return out.sort((a, b) => first.get(a)! - first.get(b)!);
}

/** Each node's place in declaration order (its first place, if named twice). */
function declarationIndex(nodes: readonly string[]): Map<string, number> {
  const order = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (!order.has(n)) order.set(n, i);
  });
  return order;
}

/** The member of a component declared first. */
function firstDeclared(scc: ReadonlySet<string>, order: ReadonlyMap<string, number>): string {
  let best: string | undefined;
  for (const n of scc) if (best === undefined || order.get(n)! < order.get(best)!) best = n;
  return best!;
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

/** The units a dependency name stands for: the unit itself, or every instance of a pool. */
export function resolveDependency(name: string, units: readonly UnitSpec[]): UnitSpec[] {
  return units.filter((u) => u.name === name || (u.kind === 'instance' && u.pool === name));
}

/** What `resolveDependency` answers, for every name at once: one lookup instead of a scan of the units. */
export type DependencyTargets = (name: string) => readonly UnitSpec[];

/** Indexes the units by the dependency names that stand for them, in the units' order (as resolveDependency). */
export function dependencyTargets(units: readonly UnitSpec[]): DependencyTargets {
  const index = new Map<string, UnitSpec[]>();
  const add = (name: string, u: UnitSpec): void => {
    const list = index.get(name);
    if (list) list.push(u);
    else index.set(name, [u]);
  };
  for (const u of units) {
    add(u.name, u);
    if (u.kind === 'instance' && u.pool !== undefined && u.pool !== u.name) add(u.pool, u);
  }
  return (name) => index.get(name) ?? [];
}

/** Every unit `names` need, dependencies followed transitively; all units when `names` is empty. */
export function closure(names: readonly string[], units: readonly UnitSpec[]): Set<string> {
  if (names.length === 0) return new Set(units.map((u) => u.name));
  const targets = dependencyTargets(units);
  const out = new Set<string>();
  const stack = names.flatMap((n) => targets(n));
  while (stack.length > 0) {
    const u = stack.pop();
    if (!u || out.has(u.name)) continue;
    out.add(u.name);
    for (const dep of u.dependsOn) stack.push(...targets(dep.name));
  }
  return out;
}
