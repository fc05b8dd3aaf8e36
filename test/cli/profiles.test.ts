// Profiles and `enabled: false` with real processes: `up --profile`, PROCS_PROFILES, `up NAME`,
// `start NAME` bringing its dependencies, `ps` showing inactive units with the reason, `run
// --profile`, and a profile no unit has (exit 2).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NODE, psJson, tempProject, waitUntil, type Proj, type PsUnit } from '../control/helpers.js';

const SPEC = `version: 1
processes:
  api: { command: [${NODE}, hang.js] }
  db: { command: [${NODE}, hang.js], profiles: [seed, e2e] }
  seed: { command: [${NODE}, touch.js, seeded], restart: never, profiles: [seed], depends_on: [db] }
  tool: { command: [${NODE}, touch.js, tooled], restart: never, enabled: false, depends_on: [db] }
`;
const FILES = { 'procs.yaml': SPEC, 'hang.js': 'setInterval(() => {}, 1 << 30);\n', 'touch.js': "require('fs').writeFileSync(process.argv[2], '');\n" };

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

function fresh(): Proj {
  const p = tempProject(FILES);
  projects.push(p);
  return p;
}

async function states(p: Proj): Promise<Record<string, string>> {
  return Object.fromEntries((await psJson(p)).units.map((u) => [u.name, u.state]));
}

describe('profiles', () => {
  it('up leaves inactive units alone and ps says why; start NAME starts it with its dependencies', async () => {
    const p = fresh();
    const up = await p.run(['up', '--wait']);
    assert.equal(up.code, 0, up.stderr);
    const ps = await psJson(p);
    const row = (n: string) => ps.units.find((u) => u.name === n) as (PsUnit & { reason: string | null }) | undefined;
    assert.deepEqual(
      ['api', 'db', 'seed', 'tool'].map((n) => [row(n)?.state, row(n)?.reason]),
      [
        ['running', null],
        ['inactive', 'profiles seed, e2e not active'],
        ['inactive', 'profile seed not active'],
        ['inactive', 'enabled: false'],
      ],
    );
    const text = await p.run(['ps']);
    assert.match(text.stdout, /^seed\s+inactive \(profile seed not active\)/m);
    assert.match(text.stdout, /^tool\s+inactive \(enabled: false\)/m);
    const start = await p.run(['start', 'seed']);
    assert.equal(start.code, 0, start.stderr);
    await waitUntil(() => existsSync(join(p.dir, 'seeded')), 20_000, 'seed to run');
    let now: Record<string, string> = {};
    for (let i = 0; i < 200 && now.seed !== 'completed'; i++) now = await states(p);
    assert.deepEqual(now, { api: 'running', db: 'running', seed: 'completed', tool: 'inactive' });
    const stop = await p.run(['stop', 'db']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal((await states(p)).db, 'stopped');
    assert.equal((await p.run(['down'])).code, 0);
  });

  it('up --profile starts the profile’s units; up NAME starts a disabled unit with its dependency', async () => {
    const p = fresh();
    const up = await p.run(['up', '--wait', '--profile', 'e2e']);
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(await states(p), { api: 'running', db: 'running', seed: 'inactive', tool: 'inactive' });
    assert.equal((await p.run(['down'])).code, 0);
    const named = await p.run(['up', '--wait', 'tool']);
    assert.equal(named.code, 0, named.stderr);
    assert.ok(existsSync(join(p.dir, 'tooled')));
    // Not named, not started: pending, as any unit `up NAME` leaves alone.
    assert.deepEqual(await states(p), { api: 'pending', db: 'running', seed: 'inactive', tool: 'completed' });
    assert.equal((await p.run(['down'])).code, 0);
  });

  it('PROCS_PROFILES activates profiles for run; a profile no unit has is a usage error', async () => {
    const p = fresh();
    const run = await p.run(['run', '--', NODE.slice(1, -1), '-e', "process.exit(require('fs').existsSync('seeded') ? 0 : 5)"], { PROCS_PROFILES: 'seed' });
    assert.equal(run.code, 0, run.stderr);
    const bad = await p.run(['up', '--wait', '--profile', 'e2e,sed']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no unit in .*procs\.yaml has profile `sed`; did you mean `seed`\?/);
    const validate = await p.run(['validate'], { PROCS_PROFILES: 'seeds' });
    assert.equal(validate.code, 2);
    assert.match(validate.stderr, /has profile `seeds`; did you mean `seed`\?/);
  });
});
