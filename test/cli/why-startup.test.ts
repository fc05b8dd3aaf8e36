// `procs why --startup` after `procs run -- true`: the chain of units that decided the time to
// all-up, each with when it was spawned and how long it took, told systemd-style and as JSON.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { tempProject, type Proj } from '../control/helpers.js';

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

// setup takes ~0.2s, api is ready ~0.3s after it started; side starts at once and is up at once.
const CHAIN_SPEC = `version: 1
processes:
  setup:
    command: ["/bin/sh", "-c", "sleep 0.2; echo set up"]
    restart: never
  api:
    command: ["/bin/sh", "-c", "sleep 0.3; echo api up; sleep 2"]
    depends_on: { setup: completed }
    health: { readiness: { log: "api up" } }
    restart: never
  side:
    command: ["/bin/sh", "-c", "sleep 2"]
`;

describe('procs why --startup', () => {
  it('tells the critical chain of the last run', async () => {
    const p = tempProject({ 'procs.yaml': CHAIN_SPEC });
    projects.push(p);
    const none = await p.run(['why', '--startup']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no run recorded yet/);
    const run = await p.run(['run', '--', 'true']);
    assert.equal(run.code, 0, run.stderr);
    const r = await p.run(['why', '--startup']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[2]!, /^api @\d+\.\d{3}s \+[\d.]+m?s$/);
    assert.match(lines[3]!, /^└─setup @\d+\.\d{3}s \+[\d.]+m?s \(completed\)$/);
    assert.match(r.stdout, /^all 3 units up in \d/m);
    const j = await p.run(['why', '--startup', '--json']);
    const json = JSON.parse(j.stdout) as { complete: boolean; all_up_ms: number; chain: { unit: string; took_ms: number; how: string }[] };
    assert.equal(json.complete, true);
    assert.deepEqual(
      json.chain.map((u) => [u.unit, u.how]),
      [
        ['setup', 'completed'],
        ['api', 'ready'],
      ],
    );
    // Times run from the spawn event, published a moment after the process began: a `sleep 0.2`
    // may measure 199 ms. Bounds well below the sleeps, so only the order of things is checked.
    assert.ok(json.chain[0]!.took_ms >= 150 && json.chain[1]!.took_ms >= 250, j.stdout);
    assert.ok(json.all_up_ms >= 400, j.stdout);
  });
});
