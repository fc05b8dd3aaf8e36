// `procs graph` as a text tree: the units nothing depends on first, what each depends on under
// it (box-drawing lines, like `tree`), each edge's condition in brackets, each node's state in
// parentheses when the project runs. A unit met again is marked, not repeated with its subtree.
import { printable } from '../base/printable.js';
import { edgeLabel, nodeTitle, type Graph, type GraphEdge, type GraphNode } from './graph.js';

function nodeText(n: GraphNode): string {
  return `${printable(nodeTitle(n))}${n.state !== undefined ? ` (${printable(n.state)})` : ''}`;
}

/** The tree; the watch rules after it, each with the units it restarts. */
export function graphText(g: Graph): string {
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const deps = new Map<string, GraphEdge[]>();
  const depended = new Set<string>();
  for (const e of g.edges) {
    if (e.condition === 'restarts') continue;
    deps.set(e.from, [...(deps.get(e.from) ?? []), e]);
    depended.add(e.to);
  }
  const units = g.nodes.filter((n) => n.kind !== 'watch');
  // Roots: what nothing depends on; on a cycle (which the loader refuses) the first of it.
  const roots = units.filter((n) => !depended.has(n.name));
  const lines: string[] = [];
  const shown = new Set<string>();
  const walk = (name: string, prefix: string, path: readonly string[]): void => {
    const list = deps.get(name) ?? [];
    list.forEach((e, i) => {
      const last = i === list.length - 1;
      const node = byName.get(e.to);
      if (!node) return;
      const again = shown.has(e.to);
      const mark = path.includes(e.to) ? ' (cycle)' : again ? ' (see above)' : '';
      lines.push(
        `${prefix}${last ? '└── ' : '├── '}${printable(nodeTitle(node))} [${edgeLabel(e)}]${node.state !== undefined ? ` (${printable(node.state)})` : ''}${mark}`,
      );
      if (again || path.includes(e.to)) return;
      shown.add(e.to);
      walk(e.to, `${prefix}${last ? '    ' : '│   '}`, [...path, e.to]);
    });
  };
  const start = (n: GraphNode): void => {
    lines.push(`${nodeText(n)}${shown.has(n.name) ? ' (see above)' : ''}`);
    if (shown.has(n.name)) return;
    shown.add(n.name);
    walk(n.name, '', [n.name]);
  };
  roots.forEach(start);
  for (const n of units) if (!shown.has(n.name)) start(n);
  const watch = g.nodes.filter((n) => n.kind === 'watch');
  if (watch.length > 0) {
    lines.push('');
    for (const w of watch) {
      const targets = g.edges.filter((e) => e.from === w.name && e.condition === 'restarts').map((e) => byName.get(e.to));
      const names = targets.flatMap((t) => (t ? [printable(nodeTitle(t))] : []));
      lines.push(`watch ${nodeText(w)}${names.length > 0 ? ` ┄ restarts ${names.join(', ')}` : ''}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : `${printable(g.project)}: no units\n`;
}
