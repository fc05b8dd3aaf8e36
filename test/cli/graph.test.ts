// `procs graph` from the command line: the spec's tree on a project that does not run, and each
// unit's state in it while the project runs (asked over the control socket, like `ps`).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { NODE, tempProject, type Proj } from '../control/helpers.js';

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

const SPEC = `version: 1
processes:
  setup:
    command: ["/bin/sh", "-c", "echo set up"]
    restart: never
  api:
    command: [${NODE}, hang.js]
    depends_on: { setup: completed }
  web:
    command: [${NODE}, hang.js]
    depends_on: { api: { condition: started, restart: true } }
`;
const HANG = "console.log('up'); setInterval(() => {}, 1 << 30);\n";

describe('procs graph', () => {
  it('prints the tree of a project that does not run, without states', async () => {
    const p = tempProject({ 'procs.yaml': SPEC, 'hang.js': HANG });
    projects.push(p);
    const r = await p.run(['graph']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ['web', '└── api [started, restart: true]', '    └── setup [completed]'].join('\n'));
    const dot = await p.run(['graph', '--format', 'dot', 'api']);
    assert.match(dot.stdout, /^digraph "[^"]+" \{$/m);
    assert.match(dot.stdout, /^ {2}"api" -> "setup" \[label="completed"\];$/m);
    assert.doesNotMatch(dot.stdout, /"web"/);
    const bad = await p.run(['graph', '--format', 'svg']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format is text, dot or mermaid/);
    const unknown = await p.run(['graph', 'apj']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no unit named 'apj'; did you mean 'api'\?/);
  });

  it('shows each unit state while the project runs', async () => {
    const p = tempProject({ 'procs.yaml': SPEC, 'hang.js': HANG });
    projects.push(p);
    assert.equal((await p.run(['up', '-d', '--wait', '--wait-timeout', '60s'])).code, 0);
    const r = await p.run(['graph']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ['web (running)', '└── api [started, restart: true] (running)', '    └── setup [completed] (completed)'].join('\n'));
    const m = await p.run(['graph', '--format', 'mermaid']);
    assert.match(m.stdout, /^ {2}n1\["api<br\/>running"\]$/m);
    assert.equal((await p.run(['down'])).code, 0);
  });
});
