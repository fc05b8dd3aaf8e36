// `procs graph` renderings of a spec with every dependency condition and `restart: true`: the
// text tree, Graphviz dot and Mermaid, with and without states, and one unit's part of it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UnitState } from '../../src/events/types.js';
import { buildGraph } from '../../src/output/graph.js';
import { graphDot, graphMermaid } from '../../src/output/graph-formats.js';
import { graphText } from '../../src/output/graph-text.js';
import { build, specOf } from '../config/helpers.js';

const spec = specOf(
  build({
    'procs.yaml': `version: 1
name: shop
processes:
  db:
    command: db
  migrate:
    command: migrate
    restart: never
    depends_on: { db: healthy }
  api:
    command: api
    depends_on: { db: { condition: healthy, restart: true }, migrate: completed }
pools:
  worker:
    command: worker
    replicas: 2
    depends_on: [api]
pipelines:
  errors:
    steps: [tail -F app.log, grep ERROR]
watch:
  "api-build":
    paths: ["src/**"]
    restart: [api]
`,
  }),
);

const running = new Map<string, UnitState>([
  ['db', 'ready'],
  ['migrate', 'completed'],
  ['api', 'ready'],
  ['worker.0', 'running'],
  ['worker.1', 'starting'],
  ['errors', 'running'],
  ['api-build', 'running'],
]);

describe('procs graph renderings', () => {
  it('draws a tree, roots first, each edge with its condition, a unit met again marked', () => {
    assert.equal(
      graphText(buildGraph(spec)),
      [
        'worker ×2',
        '└── api [started]',
        '    ├── db [healthy, restart: true]',
        '    └── migrate [completed]',
        '        └── db [healthy] (see above)',
        'errors',
        '',
        'watch api-build ┄ restarts api',
        '',
      ].join('\n'),
    );
  });

  it('adds states when the project runs, a pool as one node', () => {
    const text = graphText(buildGraph(spec, [], running));
    assert.match(text, /^worker ×2 \(1 running, 1 starting\)$/m);
    assert.match(text, /^└── api \[started\] \(ready\)$/m);
    assert.match(text, /^ {8}└── db \[healthy\] \(ready\) \(see above\)$/m);
    assert.match(text, /^watch api-build \(running\) ┄ restarts api$/m);
  });

  it('shows only a named unit and what it needs, a subtree seen twice once', () => {
    const g = buildGraph(spec, ['api', 'migrate']);
    assert.deepEqual(
      g.nodes.map((n) => n.name),
      ['db', 'migrate', 'api'],
    );
    assert.equal(graphText(g), ['api', '├── db [healthy, restart: true]', '└── migrate [completed]', '    └── db [healthy] (see above)', ''].join('\n'));
    const twice = buildGraph(
      specOf(
        build({
          'procs.yaml':
            'processes:\n  a: { command: a }\n  b: { command: b, depends_on: [a] }\n  c: { command: c, depends_on: [b] }\n  d: { command: d, depends_on: [b, c] }\n',
        }),
      ),
    );
    assert.equal(graphText(twice), ['d', '├── b [started]', '│   └── a [started]', '└── c [started]', '    └── b [started] (see above)', ''].join('\n'));
  });

  it('writes valid dot: quoted names, labelled edges, dashed watch restarts', () => {
    const dot = graphDot(buildGraph(spec, [], running));
    const lines = dot.trim().split('\n');
    assert.equal(lines[0], 'digraph "shop" {');
    assert.equal(lines.at(-1), '}');
    assert.ok(lines.includes('  "api" -> "db" [label="healthy, restart: true", penwidth=2];'));
    assert.ok(lines.includes('  "api" -> "migrate" [label="completed"];'));
    assert.ok(lines.includes('  "worker" -> "api" [label="started"];'));
    assert.ok(lines.includes('  "api-build" -> "api" [label="restarts", style=dashed];'));
    assert.ok(lines.includes('  "api-build" [label="api-build (watch)\\nrunning", shape=ellipse, style="dashed,filled", fillcolor="#d4f7d4"];'), dot);
    assert.match(dot, /"worker" \[label="worker ×2\\n1 running, 1 starting", style="rounded,filled", peripheries=2, fillcolor="#fff3c4"\];/);
    // Every statement line between the braces ends with `;`, and every quote is balanced.
    for (const l of lines.slice(1, -1)) {
      assert.match(l, /;$/);
      assert.equal((l.replace(/\\"/g, '').match(/"/g) ?? []).length % 2, 0, l);
    }
  });

  it('writes a Mermaid flowchart with ids, quoted labels and the conditions on the arrows', () => {
    const m = graphMermaid(buildGraph(spec));
    assert.equal(
      m,
      [
        'flowchart BT',
        '  n0["db"]',
        '  n1["migrate"]',
        '  n2["api"]',
        '  n3[["worker ×2"]]',
        '  n4["errors"]',
        '  n5(["api-build (watch)"])',
        '  n1 -->|"healthy"| n0',
        '  n2 ==>|"healthy, restart: true"| n0',
        '  n2 -->|"completed"| n1',
        '  n3 -->|"started"| n2',
        '  n5 -.->|"restarts"| n2',
        '',
      ].join('\n'),
    );
    assert.match(graphMermaid(buildGraph(spec, [], running)), /n2\["api<br\/>ready"\]\n[\s\S]*style n2 fill:#d4f7d4/);
  });
});
