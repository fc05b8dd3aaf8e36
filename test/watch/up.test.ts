// `procs up` with watch rules, end to end: a real spec, real files edited, real units restarted.
// Every wait is for a line of output; each run is stopped with SIGINT and checked for leftovers.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertClean, FIXTURES, procs, project, readEvents, removeProject, type Run } from '../helpers/cli.js';

const SERVER = join(FIXTURES, 'watch/server.js');
const BUILD = join(FIXTURES, 'watch/build.sh');

const dirs: string[] = [];
after(() => dirs.forEach(removeProject));

// A project folder with a spec and files.
function spec(yaml: string, files: Record<string, string> = {}): string {
  const dir = project({ 'procs.yaml': yaml, ...files });
  dirs.push(dir);
  return dir;
}

// Index of the first stdout line matching `re` (after `from`), or -1.
function indexOf(run: Run, re: RegExp, from = 0): number {
  return run.stdout.findIndex((l, i) => i >= from && re.test(l));
}

// Stops procs with SIGINT, expects exit 0 and nothing left behind.
async function stop(run: Run): Promise<void> {
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 0, run.text());
  await assertClean(run);
}

describe('procs up with watch rules', () => {
  it('builds first (initial), rebuilds and restarts on a change, keeps the old version when the build fails', async () => {
    const dir = spec(
      `version: 1
processes:
  api:
    command: node ${SERVER} api
    health: { readiness: { log: "api ready" } }
watch:
  api-build:
    paths: ["src/**"]
    debounce: 100ms
    run: sh ${BUILD}
    restart: [api]
    initial: true
`,
      { 'src/version.txt': '1\n' },
    );
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/api\s+\| api v1 pid/);
    assert.ok(indexOf(run, /api-build\s+\| built v1/) < indexOf(run, /api\s+\| api v1/), 'the initial build ran before api started');
    writeFileSync(join(dir, 'src/version.txt'), '2\n');
    await run.waitFor(/api\s+\| api v2 pid/);
    assert.ok(
      run.stdout.some((l) => /api\s+\| api got SIGTERM/.test(l)),
      'restarted gracefully, with its stop signal',
    );
    const before = run.stdout.length;
    writeFileSync(join(dir, 'src/version.txt'), 'broken\n');
    await run.waitFor(/api-build\s+x build failed: exited with code 2 — targets keep running their previous version/);
    assert.ok(
      run.stdout.some((l) => /api-build\s+\| src\/version.txt:1:1 error: broken version/.test(l)),
      run.text(),
    );
    writeFileSync(join(dir, 'src/version.txt'), '3\n');
    await run.waitFor(/api\s+\| api v3 pid/);
    const failedAt = indexOf(run, /build failed/, before);
    const changedAgain = indexOf(run, /api-build\s+> changed: src\/version.txt/, failedAt);
    assert.equal(indexOf(run, /api\s+(\||-|x)/, before), indexOf(run, /api\s+(\||-|x)/, changedAgain), 'api untouched by the failed build');
    await stop(run);
    const events = readEvents(dir);
    const builds = events.filter((e) => e.type === 'build').map((e) => [e.ok, (e.exit as { code: number }).code]);
    assert.deepEqual(builds, [
      [true, 0],
      [true, 0],
      [false, 2],
      [true, 0],
    ]);
    const watches = events.filter((e) => e.type === 'watch');
    assert.deepEqual(
      watches.map((e) => [e.unit, e.paths]),
      [0, 1, 2].map(() => ['api-build', ['src/version.txt']]),
    );
  });

  it('restarts a pool one instance at a time with rolling: true, each ready before the next', async () => {
    const dir = spec(
      `version: 1
pools:
  worker:
    command: node ${SERVER} worker-$WORKER_ID
    replicas: 3
    health: { readiness: { log: "ready" } }
watch:
  workers:
    paths: ["src/*.txt"]
    debounce: 50ms
    restart: [worker]
    rolling: true
`,
      { 'src/a.txt': '' },
    );
    const run = procs(['up'], { cwd: dir });
    await run.waitForCount(/worker\.\d\s+\+ ready/, 3);
    const from = run.stdout.length;
    writeFileSync(join(dir, 'src/a.txt'), 'change');
    await run.waitForCount(/worker\.\d\s+\+ ready/, 6);
    const order = run.stdout.slice(from).flatMap((l) => {
      const m = /(worker\.\d)\s+(?:- (stopping)|\+ (ready))/.exec(l);
      return m ? [`${m[2] ?? m[3]} ${m[1]}`] : [];
    });
    assert.deepEqual(order, ['stopping worker.0', 'ready worker.0', 'stopping worker.1', 'ready worker.1', 'stopping worker.2', 'ready worker.2']);
    await stop(run);
  });

  it('takes the `watch: [GLOB…]` shorthand of a process, and leaves out what --ignore names', async () => {
    const dir = spec(
      `version: 1
processes:
  web:
    command: node ${SERVER} web
    watch: ["conf/*.json"]
`,
      { 'conf/app.json': '{}' },
    );
    const run = procs(['up', '--ignore', 'conf/skip.json'], { cwd: dir });
    await run.waitFor(/web\s+\| web ready/);
    writeFileSync(join(dir, 'conf/skip.json'), '{}');
    writeFileSync(join(dir, 'conf/app.json'), '{"x":1}');
    await run.waitForCount(/web\s+\| web ready/, 2);
    assert.ok(
      run.stdout.some((l) => /web\.watch\s+> changed: conf\/app.json$/.test(l)),
      run.text(),
    );
    await stop(run);
  });

  it('ends by itself with --no-watch once every unit is done', async () => {
    const dir = spec(`version: 1
processes:
  once: { command: "echo done", restart: never }
watch:
  w: { paths: ["src/**"], run: "echo never", initial: true }
`);
    const run = procs(['up', '--no-watch'], { cwd: dir });
    assert.equal(await run.exited, 0, run.text());
    assert.ok(!run.text().includes('never'), run.text());
    await assertClean(run);
  });
});
