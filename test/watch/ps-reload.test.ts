// Watch rules in `procs ps`, end to end on a foreground `procs up`: rules listed with kind
// `watch`, in text and JSON. Every wait is for a line of output or for a command to finish; each `up` is stopped
// with SIGINT and checked for leftovers.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { UnitRow } from '../../src/control/api.js';
import { assertClean, FIXTURES, procs, specProject, type Run } from '../helpers/cli.js';

const SERVER = join(FIXTURES, 'watch/server.js');

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
    assert.match(text[0] ?? '', /^NAME\s+STATE\s+PID\s+RESTARTS\s+UPTIME\s+EXIT\s+HEALTH$/);
    assert.ok(text.some((l) => new RegExp(`^slow\\s+running \\(building\\)\\s+${building?.pid}\\s+1\\s+\\S+\\s+-\\s+-$`).test(l)), text.join('\n'));
    assert.ok(text.some((l) => /^quick\s+running\s+-\s+1\s+\S+\s+3\s+last run failed$/.test(l)), text.join('\n'));
    await stop(run);
  });

  it('shows the rules as stopped with --no-watch', async () => {
    const rule = (paths: string): string => `  build:\n    paths: ["${paths}"]\n    run: "echo never"\n    restart: [api]\n`;
    const dir = specProject(`version: 1\n${API}watch:\n${rule('src/**')}`);
    const run = procs(['up', '--no-watch'], { cwd: dir });
    await run.waitFor(/api\s+\| api ready/);
    const build = (await psRows(dir)).get('build');
    assert.equal(build?.kind, 'watch');
    assert.equal(build?.state, 'stopped');
    assert.equal(build?.reason, 'watch rules are off (--no-watch)');
    assert.ok((await command(dir, ['ps'])).split('\n').some((l) => /^build\s+stopped\s+-\s+0\s+-\s+-\s+-$/.test(l)));

    await stop(run);
    assert.ok(!run.text().includes('never'), run.text());
  });
});
