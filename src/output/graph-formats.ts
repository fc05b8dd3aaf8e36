// `procs graph --format dot|mermaid`: the graph as Graphviz dot or a Mermaid flowchart. Names
// and labels are quoted and escaped; edges point from a unit to what it depends on, a watch
// rule's restarts are dashed. States, when the project runs, go into the labels and colours.
import { edgeLabel, nodeTitle, type Graph, type GraphNode } from './graph.js';

/** A dot string: quoted, with `"` and `\` escaped and line breaks as `\n`. */
function dq(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** The fill colour a state gets, when it has one. */
function stateColor(state: string | undefined): string | undefined {
  if (state === undefined) return undefined;
  if (/^(ready|running|completed|scheduled)$/.test(state)) return '#d4f7d4';
  if (/^(failed|unhealthy|skipped)$/.test(state)) return '#f7d4d4';
  if (/^(stopped|inactive)$/.test(state)) return '#e8e8e8';
  return '#fff3c4';
}

function label(n: GraphNode): string {
  const title = n.kind === 'watch' ? `${n.name} (watch)` : nodeTitle(n);
  return n.state !== undefined ? `${title}\n${n.state}` : title;
}

/** Graphviz dot: `digraph "project" { … }`. */
export function graphDot(g: Graph): string {
  const lines = [
    `digraph ${dq(g.project)} {`,
    '  rankdir=BT;',
    '  node [shape=box, style=rounded, fontname="sans-serif"];',
    '  edge [fontname="sans-serif", fontsize=10];',
  ];
  for (const n of g.nodes) {
    const attrs = [`label=${dq(label(n))}`];
    const fill = stateColor(n.state);
    if (n.kind === 'watch') attrs.push('shape=ellipse', fill ? 'style="dashed,filled"' : 'style=dashed');
    else if (fill) attrs.push('style="rounded,filled"');
    if (n.kind === 'pool') attrs.push('peripheries=2');
    if (fill) attrs.push(`fillcolor=${dq(fill)}`);
    lines.push(`  ${dq(n.name)} [${attrs.join(', ')}];`);
  }
  for (const e of g.edges) {
    const attrs = [`label=${dq(edgeLabel(e))}`];
    if (e.condition === 'restarts') attrs.push('style=dashed');
    if (e.restart) attrs.push('penwidth=2');
    lines.push(`  ${dq(e.from)} -> ${dq(e.to)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A Mermaid label: quoted, with characters Mermaid reads specially written as entities. */
function mq(s: string): string {
  return `"${s.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\n/g, '<br/>')}"`;
}

/** A Mermaid flowchart: `flowchart BT`, nodes `n0…` with their names as labels. */
export function graphMermaid(g: Graph): string {
  const id = new Map(g.nodes.map((n, i) => [n.name, `n${i}`]));
  const lines = ['flowchart BT'];
  for (const n of g.nodes) {
    const text = mq(label(n));
    lines.push(`  ${id.get(n.name)!}${n.kind === 'watch' ? `([${text}])` : n.kind === 'pool' ? `[[${text}]]` : `[${text}]`}`);
  }
  for (const e of g.edges) {
    const arrow = e.condition === 'restarts' ? '-.->' : e.restart ? '==>' : '-->';
    lines.push(`  ${id.get(e.from)!} ${arrow}|${mq(edgeLabel(e))}| ${id.get(e.to)!}`);
  }
  const colored = g.nodes.flatMap((n) => {
    const fill = stateColor(n.state);
    return fill ? [`  style ${id.get(n.name)!} fill:${fill}`] : [];
  });
  return `${[...lines, ...colored].join('\n')}\n`;
}
