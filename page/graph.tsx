// The dependency graph, in layers left to right (what a unit depends on sits left of it), each
// node coloured by its state; a pending unit says what it waits on.
import type { Graph, Why } from './lib/types.js';
import { dependsOn, layers, stateClass } from './lib/layers.js';

export function GraphView({ graph, why, poolOf }: { graph: Graph | null; why: readonly Why[]; poolOf: (unit: string) => string | null | undefined }) {
  if (graph === null) return <div id="graph" class="graph" />;
  const waits = new Map<string, Why>();
  for (const w of why) {
    if (w.state !== 'pending') continue;
    const node = poolOf(w.unit) ?? w.unit;
    if (!waits.has(node)) waits.set(node, w);
  }
  return (
    <div id="graph" class="graph">
      {layers(graph).map((col, i) => (
        <div class="layer" key={i}>
          {col.map((n) => {
            const w = waits.get(n.name);
            const deps = dependsOn(graph, n.name);
            return (
              <div
                key={n.name}
                class={`node ${stateClass(n.state)}`}
                data-node={n.name}
                data-state={n.state ?? ''}
                title={deps.length > 0 ? `depends on ${deps.join(', ')}` : undefined}
              >
                <div class="node-name">
                  {n.name}
                  {n.kind === 'pool' && n.replicas !== undefined && <span class="dim"> ×{n.replicas}</span>}
                  {n.kind !== 'process' && n.kind !== 'pool' && <span class="dim"> {n.kind}</span>}
                </div>
                <div class="node-state">{n.state ?? '—'}</div>
                {deps.length > 0 && (
                  <div class="deps">
                    ←{' '}
                    {graph.edges
                      .filter((e) => e.from === n.name && e.condition !== 'restarts')
                      .map((e) => e.to)
                      .join(', ')}
                  </div>
                )}
                {w !== undefined && (
                  <div class="waits" data-waits={w.waiting_for?.unit ?? ''}>
                    {w.summary}
                  </div>
                )}
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}
