// When `up -d` returns: once every unit whose dependencies allow it has been spawned, watch
// rules or not (an `initial: true` run first, then its targets).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NODE, tempProject, waitUntil, type Proj, type PsUnit } from '../control/helpers.js';

const HANG = "console.log('up'); setInterval(() => {}, 1 << 30);\n";
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

describe('up -d', () => {
  it('returns once the units are spawned when watch rules scan first, an initial run before its targets', async () => {
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  api: { command: [${NODE}, hang.js], health: { readiness: { log: "never said" } } }
  other: { command: [${NODE}, hang.js] }
  after-api: { command: [${NODE}, hang.js], depends_on: { api: healthy } }
watch:
  api-build: { paths: ["src/**"], run: "sh build.sh", restart: [api], initial: true }
  plain: { paths: ["src/**"], run: "echo again", restart: [other] }
`,
      'hang.js': HANG,
      'build.sh': 'echo building; echo built > built.txt\n',
      'src/a.txt': '1\n',
    });
    projects.push(p);
    const up = await p.run(['up', '-d', '--json']);
    assert.equal(up.code, 0, up.stderr);
    const units = (JSON.parse(up.stdout) as { units: PsUnit[] }).units;
    const state = (name: string): PsUnit | undefined => units.find((u) => u.name === name);
    for (const name of ['api', 'other']) assert.ok(state(name)?.pid !== null && state(name)?.state !== 'pending', `${name} was spawned when up -d returned: ${JSON.stringify(state(name))}`);
    assert.equal(state('after-api')?.state, 'pending', 'a unit waiting on a dependency is not spawned yet');
    assert.ok(existsSync(join(p.dir, 'built.txt')), 'the initial run was over when up -d returned');
    await waitUntil(() => p.events().some((e) => e.type === 'spawn' && e.unit === 'api'), 20_000, 'the spawn event of api');
    const events = p.events();
    const built = events.findIndex((e) => e.type === 'build' && e.unit === 'api-build');
    const spawned = events.findIndex((e) => e.type === 'spawn' && e.unit === 'api');
    assert.ok(built >= 0 && built < spawned, 'the initial run ended before api was spawned');
    assert.equal((await p.run(['down'])).code, 0);
  });
});
