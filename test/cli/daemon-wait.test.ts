// `up -d --wait` and units that exit while it waits: a crash-looping unit without a readiness
// probe (a unit without one counts as up once it has run a second), or one with a probe that
// exits before it is ready, ends the wait with exit 1, the reason and its last lines; one-shot
// steps and units that complete successfully do not.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { NODE, tempProject, type Proj } from '../control/helpers.js';

const HANG = "console.log('up'); setInterval(() => {}, 1 << 30);\n";
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

describe('up -d --wait and units that exit', () => {
  it('fails when a unit without a readiness probe exits and restarts during the wait', async () => {
    // `gate` can only be ready once `crashy` has exited at least once: the wait cannot end first.
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  crashy:
    command: ["/bin/sh", "-c", "echo about to crash; touch crashed; exit 3"]
    restart: { policy: always, backoff: { initial: 50ms } }
  gate:
    command: [${NODE}, hang.js]
    health: { readiness: { exec: "test -f crashed", interval: 50ms } }
`,
      'hang.js': HANG,
    });
    projects.push(p);
    const r = await p.run(['up', '-d', '--wait', '--wait-timeout', '60s']);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /crashy exited with code 3 while it was waited on, and restarts/);
    assert.match(r.stderr, /crashy \| about to crash/, 'its last lines');
    assert.equal((await p.run(['down'])).code, 0);
  });

  it('fails when a unit with a readiness probe exits before it is ready, instead of waiting for the timeout', async () => {
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  early:
    command: ["/bin/sh", "-c", "echo giving up; exit 2"]
    restart: { policy: always, backoff: { initial: 50ms } }
    health: { readiness: { tcp: "127.0.0.1:1", interval: 50ms } }
`,
    });
    projects.push(p);
    const r = await p.run(['up', '-d', '--wait', '--wait-timeout', '60s']);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /early exited with code 2 while it was waited on/);
    assert.doesNotMatch(r.stderr, /timed out/);
    assert.equal((await p.run(['down'])).code, 0);
  });

  it('succeeds when one-shot steps and units that complete exit 0', async () => {
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  migrate: { command: ["/bin/sh", "-c", "echo migrated"], restart: never }
  job: { command: ["/bin/sh", "-c", "echo done"], restart: on-failure }
  web: { command: [${NODE}, hang.js], depends_on: { migrate: completed } }
`,
      'hang.js': HANG,
    });
    projects.push(p);
    const r = await p.run(['up', '-d', '--wait', '--wait-timeout', '60s']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /3 units up/);
    assert.equal((await p.run(['down'])).code, 0);
  });
});
