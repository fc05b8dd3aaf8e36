// `procs run [UNIT…] -- CMD…`: the CI entry point, end to end with real processes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertClean, BIN, freePort, procs, project, readEvents, removeProject } from '../helpers/cli.js';

const NODE = JSON.stringify(process.execPath);
const bin = (name: string): string => JSON.stringify(join(BIN, name));
const dirs: string[] = [];
after(() => dirs.forEach(removeProject));

async function services(): Promise<{ dir: string; port: number }> {
  const port = await freePort();
  const dir = project({
    'procs.yaml': `version: 1
env: { FROM_SPEC: spec-value }
processes:
  web:
    command: [${NODE}, ${bin('http-server.js')}, "${port}"]
    health: { readiness: { http: "http://127.0.0.1:${port}/health", interval: 100ms } }
  migrate:
    command: "echo migrating"
    depends_on: { web: healthy }
    restart: never
`,
  });
  dirs.push(dir);
  return { dir, port };
}

describe('procs run', () => {
  it('runs CMD once every unit is ready, with the project env, and exits 0 after tearing down', async () => {
    const { dir, port } = await services();
    const run = procs(['run', '--', 'sh', '-c', `curl -fsS http://127.0.0.1:${port}/health && echo "spec says $FROM_SPEC"`], { cwd: dir });
    assert.equal(await run.exited, 0, run.text());
    assert.ok(run.stdout.includes('ok'), run.text());
    assert.ok(run.stdout.includes('spec says spec-value'), run.text());
    const ev = readEvents(dir);
    assert.ok(ev.some((e) => e.type === 'exit' && e.unit === 'migrate' && e.state === 'completed'));
    assert.ok(ev.some((e) => e.type === 'stop' && e.unit === 'web' && e.state === 'stopped'));
    await assertClean(run);
  });

  it("passes CMD's exit code through", async () => {
    const { dir } = await services();
    const run = procs(['run', '--', 'sh', '-c', 'exit 7'], { cwd: dir });
    assert.equal(await run.exited, 7);
    await assertClean(run);
  });

  it('returns 128+N when CMD dies of signal N', async () => {
    const { dir } = await services();
    const run = procs(['run', '--', 'sh -c "kill -KILL \\$\\$"'], { cwd: dir });
    assert.equal(await run.exited, 137, run.text());
    await assertClean(run);
  });

  it('never runs CMD when a unit fails before it is ready: exit 1, the reason and its last lines', async () => {
    const dir = project({
      'procs.yaml': `version: 1\nprocesses:\n  db:\n    command: "echo starting db; echo config broken >&2; exit 4"\n    restart: never\n  api:\n    command: "sleep 1000"\n    depends_on: { db: healthy }\n`,
    });
    dirs.push(dir);
    const run = procs(['run', '--', 'sh', '-c', 'echo CMD RAN'], { cwd: dir });
    assert.equal(await run.exited, 1);
    assert.ok(!run.stdout.includes('CMD RAN'));
    const err = run.stderr.join('\n');
    assert.match(err, /db failed: exited with code 4/);
    assert.match(err, /config broken/);
    await assertClean(run);
  });

  it('gives up after --wait-timeout with the units still waiting', async () => {
    const dir = project({
      'procs.yaml': `version: 1\nprocesses:\n  never:\n    command: [${NODE}, ${bin('hang.js')}]\n    health: { readiness: { log: "will never print this" } }\n`,
    });
    dirs.push(dir);
    const run = procs(['run', '--wait-timeout', '500ms', '--', 'sh', '-c', 'echo CMD RAN'], { cwd: dir });
    assert.equal(await run.exited, 1);
    assert.ok(!run.stdout.includes('CMD RAN'));
    assert.match(run.stderr.join('\n'), /timed out after 500ms waiting for never \(running\)/);
    await assertClean(run);
  });

  it('on Ctrl-C during CMD stops CMD, then the units', async () => {
    const { dir } = await services();
    const run = procs(['run', '--', 'sh', '-c', 'echo CMD STARTED; exec sleep 1000'], { cwd: dir });
    await run.waitFor(/^CMD STARTED$/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 130);
    await assertClean(run);
  });

  it('starts only the named units and what they depend on', async () => {
    const { dir } = await services();
    const run = procs(['run', 'web', '--', 'true'], { cwd: dir });
    assert.equal(await run.exited, 0);
    assert.ok(!readEvents(dir).some((e) => e.unit === 'migrate'));
    await assertClean(run);
  });
});
