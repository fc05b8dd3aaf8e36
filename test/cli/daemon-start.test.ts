// When `up -d` returns: once every unit whose dependencies allow it has been spawned, watch
// rules or not (an `initial: true` run first, then its targets). And `down` while a daemon is
// starting (it holds the project but has no socket yet): it waits for it, then stops it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, procs, taggedProcesses, type Run } from '../helpers/cli.js';
import { alive, NODE, tempProject, waitUntil, type Proj, type PsUnit } from '../control/helpers.js';

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
    for (const name of ['api', 'other'])
      assert.ok(state(name)?.pid !== null && state(name)?.state !== 'pending', `${name} was spawned when up -d returned: ${JSON.stringify(state(name))}`);
    assert.equal(state('after-api')?.state, 'pending', 'a unit waiting on a dependency is not spawned yet');
    assert.ok(existsSync(join(p.dir, 'built.txt')), 'the initial run was over when up -d returned');
    await waitUntil(() => p.events().some((e) => e.type === 'spawn' && e.unit === 'api'), 20_000, 'the spawn event of api');
    const events = p.events();
    const built = events.findIndex((e) => e.type === 'build' && e.unit === 'api-build');
    const spawned = events.findIndex((e) => e.type === 'spawn' && e.unit === 'api');
    assert.ok(built >= 0 && built < spawned, 'the initial run ended before api was spawned');
    assert.equal((await p.run(['down'])).code, 0);
  });

  /**
   * `up -d` of a one-unit project whose daemon holds the project, then waits before it listens on
   * its socket (see fixtures/bin/hold-listen.mjs) until it gets SIGUSR2.
   */
  async function upHeldBeforeListening(): Promise<{ p: Proj; up: Run; daemon: number }> {
    const p = tempProject({ 'procs.yaml': `version: 1\nprocesses:\n  web: { command: [${NODE}, hang.js] }\n`, 'hang.js': HANG });
    projects.push(p);
    const held = join(p.dir, 'held');
    const up = procs(['up', '-d'], {
      cwd: p.dir,
      env: { PROCS_TEST_TAG: p.tag, NODE_OPTIONS: `--import ${join(BIN, 'hold-listen.mjs')}`, HOLD_LISTEN_FILE: held },
    });
    await waitUntil(() => existsSync(held) && readFileSync(held, 'utf8') !== '', 20_000, 'the daemon to hold before listening');
    return { p, up, daemon: Number(readFileSync(held, 'utf8')) };
  }

  it('is stopped by a down that comes while it is starting, before it answers', async () => {
    const { p, up, daemon } = await upHeldBeforeListening();
    assert.equal(Number(readFileSync(join(p.dir, '.procs/procs.pid'), 'utf8')), daemon, 'it holds the project');
    assert.ok(!existsSync(join(p.dir, '.procs/procs.sock')), 'it has no socket yet');
    const down = procs(['down'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await down.waitFor(new RegExp(`waiting for the procs that is starting \\(pid ${daemon}\\)`));
    process.kill(daemon, 'SIGUSR2');
    assert.equal(await down.exited, 0, down.text());
    await up.exited;
    await waitUntil(() => !alive(daemon), 10_000, 'the daemon to exit');
    assert.ok(!existsSync(join(p.dir, '.procs/procs.pid')) && !existsSync(join(p.dir, '.procs/procs.sock')));
    assert.deepEqual(taggedProcesses(p.tag), []);
  });

  it('is stopped with SIGTERM by a down when it never answers', async () => {
    const { p, up, daemon } = await upHeldBeforeListening();
    const down = await p.run(['down'], { PROCS_CLIENT_TIMEOUT: '300ms' });
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, new RegExp(`pid ${daemon}, did not answer; stopped it with SIGTERM`));
    await up.exited;
    assert.ok(!alive(daemon));
    assert.ok(!existsSync(join(p.dir, '.procs/procs.pid')), 'no stale pid file');
    assert.deepEqual(taggedProcesses(p.tag), []);
  });
});
