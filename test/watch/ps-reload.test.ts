// Watch rules in `procs ps` and through `procs reload`, end to end on a foreground `procs up`:
// rules listed with kind `watch` (in text and JSON), and rules added, removed and changed by a
// reload. Every wait is for a line of output or for a command to finish; each `up` is stopped
// with SIGINT and checked for leftovers.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { UnitRow } from '../../src/control/api.js';
import { assertClean, FIXTURES, procs, specProject, type Run } from '../helpers/cli.js';

const SERVER = join(FIXTURES, 'watch/server.js');
const BUILD = join(FIXTURES, 'watch/build.sh');

// Stops procs with SIGINT, expects exit 0 and nothing left behind.
async function stop(run: Run): Promise<void> {
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 0, run.text());
  await assertClean(run);
}

// Runs a short command (`ps`, `reload`) in the project; fails the test when it fails.
async function command(dir: string, args: string[]): Promise<string> {
  const r = procs(args, { cwd: dir });
  const code = await r.exited;
  assert.equal(code, 0, `procs ${args.join(' ')}: ${r.text()}`);
  return r.stdout.join('\n');
}

// `procs reload` (or `procs up` on the running project): returns once the spec is applied. The
// foreground `up` also reloads by itself when procs.yaml changes; whichever comes first does
// the work and the other finds nothing to change, so the actions are read from `up`'s output.
async function reload(run: Run, dir: string, actions: string, args = ['reload']): Promise<void> {
  if (args[0] === 'up') await upAttached(dir, args);
  else await command(dir, args);
  await run.waitFor(new RegExp(`reloaded: ${actions}$`));
}

// `procs up` on the running project: it reconciles, then shows the project live until SIGINT
// detaches it (no terminal here), leaving the project running.
async function upAttached(dir: string, args: string[]): Promise<void> {
  const r = procs(args, { cwd: dir });
  await r.waitFor(/^procs: attached/);
  r.child.kill('SIGINT');
  assert.equal(await r.exited, 0, `procs ${args.join(' ')}: ${r.text()}`);
}

// `ps --json`, by name.
async function psRows(dir: string): Promise<Map<string, UnitRow>> {
  const { units } = JSON.parse(await command(dir, ['ps', '--json'])) as { units: UnitRow[] };
  return new Map(units.map((u) => [u.name, u]));
}

// Writes a file, making its folder.
function write(dir: string, rel: string, text: string): void {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

const API = `processes:\n  api:\n    command: node ${SERVER} api\n`;

describe('watch rules in ps', () => {
  it('lists each rule with kind watch: the pid of a run in progress, runs counted, the last exit', async () => {
    const dir = specProject(`version: 1
${API}watch:
  slow:
    paths: ["src/**"]
    debounce: 50ms
    run: "echo slow-started; sleep 30"
    restart: [api]
  quick:
    paths: ["q/**"]
    debounce: 50ms
    run: "exit 3"
`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/api\s+\| api ready/);
    let rows = await psRows(dir);
    assert.deepEqual([...rows.keys()], ['api', 'slow', 'quick']);
    const idle = rows.get('slow');
    assert.equal(rows.get('api')?.kind, 'process');
    assert.equal(idle?.kind, 'watch');
    assert.equal(idle?.state, 'running');
    assert.equal(idle?.pid, null);
    assert.equal(idle?.restarts, 0);
    assert.equal(idle?.pool, null);
    assert.match(idle?.started_at ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(idle?.exit, { code: null, signal: null });
    assert.deepEqual(idle?.watch, { paths: ['src/**'], targets: ['api'], activity: 'idle', queued: false, runs: 0, last_run: null });

    write(dir, 'q/x', '1');
    await run.waitFor(/quick\s+x build failed: exited with code 3/);
    write(dir, 'src/a.ts', '1');
    await run.waitFor(/slow\s+\| slow-started/);
    rows = await psRows(dir);
    const building = rows.get('slow');
    assert.equal(building?.state, 'running');
    assert.equal(typeof building?.pid, 'number', JSON.stringify(building));
    assert.equal(building?.restarts, 1);
    assert.equal(building?.watch?.activity, 'run');
    assert.equal(building?.watch?.runs, 1);
    assert.equal(building?.watch?.last_run?.ok, null);
    const failed = rows.get('quick');
    assert.equal(failed?.pid, null);
    assert.equal(failed?.restarts, 1);
    assert.deepEqual(failed?.exit, { code: 3, signal: null });
    assert.equal(failed?.reason, 'run exited with code 3');
    assert.equal(failed?.watch?.last_run?.ok, false);

    const text = (await command(dir, ['ps'])).split('\n');
    assert.match(text[0] ?? '', /^NAME\s+STATE\s+PID\s+CPU\s+MEM\s+PSS\s+RESTARTS\s+UPTIME\s+EXIT\s+HEALTH$/);
    assert.ok(
      text.some((l) =>
        new RegExp(`^slow\\s+running \\(building\\)\\s+${building?.pid}\\s+\\S+\\s+(?:[\\d.]+ \\w+|-)\\s+(?:[\\d.]+ \\w+|-)\\s+1\\s+\\S+\\s+-\\s+-$`).test(l),
      ),
      text.join('\n'),
    );
    assert.ok(
      text.some((l) => /^quick\s+running\s+-\s+-\s+-\s+-\s+1\s+\S+\s+3\s+last run failed$/.test(l)),
      text.join('\n'),
    );
    await stop(run);
  });

  it('shows the rules as stopped with --no-watch, through a reload too', async () => {
    const rule = (paths: string): string => `  build:\n    paths: ["${paths}"]\n    run: "echo never"\n    restart: [api]\n`;
    const dir = specProject(`version: 1\n${API}watch:\n${rule('src/**')}`);
    const run = procs(['up', '--no-watch'], { cwd: dir });
    await run.waitFor(/api\s+\| api ready/);
    let build = (await psRows(dir)).get('build');
    assert.equal(build?.kind, 'watch');
    assert.equal(build?.state, 'stopped');
    assert.equal(build?.reason, 'watch rules are off (--no-watch)');
    assert.ok((await command(dir, ['ps'])).split('\n').some((l) => /^build\s+stopped\s+-\s+-\s+-\s+-\s+0\s+-\s+-\s+-$/.test(l)));

    writeFileSync(join(dir, 'procs.yaml'), `version: 1\n${API}watch:\n${rule('lib/**')}  css:\n    paths: ["css/**"]\n    run: "echo never"\n`);
    assert.equal(await command(dir, ['reload']), 'reloaded: nothing changed');
    const rows = await psRows(dir);
    assert.deepEqual(
      [...rows.values()].map((u) => `${u.name}:${u.kind}:${u.state}`),
      ['api:process:running', 'build:watch:stopped', 'css:watch:stopped'],
    );
    build = rows.get('build');
    assert.deepEqual(build?.watch?.paths, ['lib/**']);
    await stop(run);
    assert.ok(!run.text().includes('never'), run.text());
  });
});

describe('watch rules through a reload', () => {
  it('starts watching a rule the reload adds: a change runs it and restarts its targets', async () => {
    const dir = specProject(`version: 1\n${API}`, { 'src/version.txt': '1\n' });
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/api\s+\| api vnone pid/);
    writeFileSync(
      join(dir, 'procs.yaml'),
      `version: 1\n${API}watch:\n  api-build:\n    paths: ["src/**"]\n    debounce: 50ms\n    run: sh ${BUILD}\n    restart: [api]\n`,
    );
    // `up` on the running project reconciles it, and attaches once the rule watches.
    await reload(run, dir, 'start api-build', ['up']);
    assert.equal((await psRows(dir)).get('api-build')?.state, 'running');
    write(dir, 'src/version.txt', '2\n');
    await run.waitFor(/api\s+\| api v2 pid/);
    assert.ok(
      run.stdout.some((l) => /api-build\s+\| built v2/.test(l)),
      run.text(),
    );
    await stop(run);
  });

  it('stops watching a rule the reload removes, and leaves the others alone', async () => {
    // `keep` watches the same files with a longer debounce: once it has run, `gone` would have too.
    const keep = '  keep:\n    paths: ["g/**"]\n    debounce: 500ms\n    run: "echo keep-ran"\n';
    const gone = '  gone:\n    paths: ["g/**"]\n    debounce: 50ms\n    run: "echo gone-ran"\n';
    const dir = specProject(`version: 1\n${API}watch:\n${gone}${keep}`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/api\s+\| api ready/);
    write(dir, 'g/a', '1');
    await run.waitFor(/keep\s+\| keep-ran/);
    assert.ok(
      run.stdout.some((l) => /gone\s+\| gone-ran/.test(l)),
      'both rules ran before the reload',
    );
    const keepSince = (await psRows(dir)).get('keep')?.started_at;

    writeFileSync(join(dir, 'procs.yaml'), `version: 1\n${API}watch:\n${keep}`);
    await reload(run, dir, 'remove gone');
    const rows = await psRows(dir);
    assert.deepEqual([...rows.keys()], ['api', 'keep']);
    assert.equal(rows.get('keep')?.started_at, keepSince, 'the unchanged rule was left alone');
    assert.equal(rows.get('keep')?.watch?.runs, 1);
    write(dir, 'g/b', '2');
    await run.waitForCount(/keep\s+\| keep-ran/, 2);
    assert.equal(run.stdout.filter((l) => /gone\s+(\||>)/.test(l)).length, 2, `gone ran once, before the reload:\n${run.text()}`);
    await stop(run);
  });

  it('re-arms a rule the reload changes: its new paths are watched, its old ones no longer', async () => {
    const rule = (paths: string, say: string): string => `  r:\n    paths: ["${paths}"]\n    debounce: 200ms\n    run: "echo ${say}"\n`;
    const dir = specProject(`version: 1\n${API}watch:\n${rule('a/**', 'r-v1')}`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/api\s+\| api ready/);
    write(dir, 'a/1', '1');
    await run.waitFor(/r\s+\| r-v1/);

    writeFileSync(join(dir, 'procs.yaml'), `version: 1\n${API}watch:\n${rule('b/**', 'r-v2')}`);
    await reload(run, dir, 'restart r');
    const r = (await psRows(dir)).get('r');
    assert.deepEqual(r?.watch?.paths, ['b/**']);
    assert.equal(r?.state, 'running');
    write(dir, 'a/2', '2');
    write(dir, 'b/3', '3');
    await run.waitFor(/r\s+\| r-v2/);
    assert.ok(
      run.stdout.some((l) => /r\s+> changed: b\/3$/.test(l)),
      run.text(),
    );
    assert.ok(!run.stdout.some((l) => /r\s+> changed: .*a\/2/.test(l)), `a/2 is no longer watched:\n${run.text()}`);
    await stop(run);
  });
});
