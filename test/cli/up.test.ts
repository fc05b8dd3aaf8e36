// `procs up` end to end: the built command on real fixture programs, as a user runs it.
// Every test checks that nothing it started outlives procs (by an env tag, which also finds
// descendants that left their process group).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertClean, BIN, MAIN, procs, project, removeProject, specProject, taggedProcesses } from '../helpers/cli.js';

const NODE = JSON.stringify(process.execPath);
const bin = (name: string): string => JSON.stringify(join(BIN, name));
const spec = specProject;

/** Events written to `.procs/events.ndjson`, parsed. */
function events(dir: string): { type: string; unit: string; state?: string; delayMs?: number; reason?: string }[] {
  return readFileSync(join(dir, '.procs/events.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; unit: string });
}

const LINE = /^\d\d:\d\d:\d\d (\S+)\s+\| (.*)$/;

describe('procs up', () => {
  it('prefixes every line of 4 × 100k, exactly once, unbroken, in per-unit order, and exits 0', async () => {
    const units = ['a', 'b', 'c', 'd'];
    const yaml = `version: 1\nprocesses:\n${units.map((u) => `  ${u}:\n    command: [${NODE}, ${bin('lines.js')}, "100000", "${u}-"]\n`).join('')}`;
    const dir = spec(yaml);
    const run = procs(['up'], { cwd: dir });
    const code = await run.exited;
    assert.equal(code, 0, run.stderr.join('\n'));
    const next = new Map(units.map((u) => [u, 1]));
    for (const line of run.stdout) {
      const m = LINE.exec(line);
      if (!m) continue;
      const [, name = '', text = ''] = m;
      assert.equal(text, `${name}-${next.get(name)}`, `line out of order or broken: ${line}`);
      next.set(name, (next.get(name) ?? 0) + 1);
    }
    for (const u of units) assert.equal(next.get(u), 100_001, `unit ${u} lost lines`);
    await assertClean(run);
  });

  it('keeps every unit going when its output goes to a file (4 × 100k through `> file`)', async () => {
    // A file as stdout is written synchronously; four units share the log writers' backpressure.
    // A drain lost between them once paused every unit for good after ~40k lines each.
    const units = ['a', 'b', 'c', 'd'];
    // seq writes as fast as a pipe takes it: the log writers fill up, which a Node printer rarely does.
    const yaml = `version: 1\nprocesses:\n${units.map((u) => `  ${u}:\n    command: [seq, -f, "${u}-%.0f", "1", "100000"]\n`).join('')}`;
    const dir = spec(yaml);
    const outPath = join(dir, 'out.txt');
    const fd = openSync(outPath, 'w');
    const tag = randomUUID();
    const child = spawn(process.execPath, [MAIN, 'up', '--no-color'], {
      cwd: dir,
      env: { ...process.env, PROCS_TEST_TAG: tag },
      stdio: ['ignore', fd, 'pipe'],
    });
    closeSync(fd);
    // A stalled run never exits: after a minute it is killed and the test fails rather than hangs.
    const stall = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(stall);
    assert.equal(code, 0, 'procs up did not finish: output stalled');
    const counts = new Map(units.map((u) => [u, 0]));
    for (const line of readFileSync(outPath, 'utf8').split('\n')) {
      const m = LINE.exec(line);
      if (m?.[1] !== undefined) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
    }
    assert.deepEqual([...counts.values()], [100_000, 100_000, 100_000, 100_000]);
    assert.deepEqual(taggedProcesses(tag), []);
  });

  it('shows a last line without a newline', async () => {
    const dir = spec(`version: 1\nprocesses:\n  p:\n    command: [${NODE}, ${bin('partial.js')}, "the end"]\n`);
    const run = procs(['up'], { cwd: dir });
    assert.equal(await run.exited, 0);
    assert.ok(
      run.stdout.some((l) => /p \| the end$/.test(l)),
      run.text(),
    );
    await assertClean(run);
  });

  it('restarts a crashing unit with exponential backoff, then fails it and exits 1', async () => {
    const dir = spec(
      `version: 1\nprocesses:\n  crash:\n    command: [${NODE}, ${bin('crash.js')}, "3"]\n    restart: { max_restarts: 3, backoff: { initial: 50ms, factor: 2, max: 1s } }\n`,
    );
    const run = procs(['up'], { cwd: dir });
    assert.equal(await run.exited, 1);
    const ev = events(dir);
    assert.deepEqual(
      ev.filter((e) => e.type === 'backoff').map((e) => e.delayMs),
      [50, 100, 200],
    );
    assert.equal(ev.filter((e) => e.type === 'spawn').length, 4);
    assert.ok(ev.some((e) => e.type === 'failed' && e.unit === 'crash'));
    assert.match(run.stderr.join('\n'), /crash.*failed.*code 3/);
    await assertClean(run);
  });

  it('stops on SIGINT: dependents first, SIGKILL after the stop timeout for a unit ignoring SIGTERM', async () => {
    const dir = spec(
      `version: 1\nprocesses:\n  db:\n    command: [${NODE}, ${bin('hang.js')}]\n  stubborn:\n    command: [${NODE}, ${bin('ignore-term.js')}]\n    depends_on: [db]\n    stop: { timeout: 500ms }\n`,
    );
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/stubborn\s+\| ready/);
    await run.waitFor(/db\s+\| ready/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    const stops = events(dir).filter((e) => e.type === 'stop' && e.unit !== 'procs');
    const order = stops.map((e) => `${e.unit}:${e.state}`);
    assert.ok(order.indexOf('stubborn:stopped') < order.indexOf('db:stopping'), order.join(' '));
    assert.match(run.stderr.join('\n'), /stubborn.*SIGKILL/);
    await assertClean(run);
  });

  it('loses no event and no summary to signals that arrive while it ends by itself', async () => {
    // The unit fails (restart: never); procs then ends on its own, writing events and logs. Signals
    // sent from the failure on, a storm of them, must not cut that short.
    const dir = spec(`version: 1\nprocesses:\n  once:\n    command: "exit 3"\n    restart: never\n`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/once\s+\S+ failed/);
    let storming = true;
    const storm = (async () => {
      while (storming && run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGINT');
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await run.exited;
    storming = false;
    await storm;
    // (A signal in the last instant, once Node has begun to exit, may still end procs by SIGINT;
    // by then everything is written.)
    const ev = events(dir);
    assert.ok(
      ev.some((e) => e.type === 'exit' && e.unit === 'once' && e.state === 'failed'),
      JSON.stringify(ev),
    );
    assert.match(run.stderr.join('\n'), /once.*failed/);
    await assertClean(run);
  });

  it('a second Ctrl-C kills at once', async () => {
    const dir = spec(`version: 1\nprocesses:\n  stubborn:\n    command: [${NODE}, ${bin('ignore-term.js')}]\n    stop: { timeout: 1h }\n`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/\| ready/);
    run.child.kill('SIGINT');
    await run.waitFor(/stubborn\s+\| ignoring SIGTERM/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    const said = `${run.stdout.join('\n')}\n${run.stderr.join('\n')}`;
    assert.match(said, /stubborn\s+killed with SIGKILL: asked again to stop/, 'the summary says why it was killed');
    assert.doesNotMatch(said, /stop timeout/, 'its stop timeout (1h) did not run out');
    await assertClean(run);
  });

  it('leaves no grandchild behind, also one that left the process group with setsid', async () => {
    const dir = spec(
      `version: 1\nprocesses:\n  family:\n    command: [${NODE}, ${bin('grandchild.js')}]\n  escaper:\n    command: [${NODE}, ${bin('grandchild.js')}, escape]\n`,
    );
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/family\s+\| child \d+/);
    await run.waitFor(/escaper\s+\| child \d+/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    await assertClean(run, 2000);
  });

  it('reports a missing binary and a missing cwd as failures and keeps the other units running', async () => {
    const dir = spec(
      `version: 1\nprocesses:\n  ghost:\n    command: ["no-such-binary-procs-test"]\n  lost:\n    command: [${NODE}, ${bin('hang.js')}]\n    cwd: does/not/exist\n  fine:\n    command: [${NODE}, ${bin('hang.js')}]\n`,
    );
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/ghost.*failed: command not found: no-such-binary-procs-test/);
    await run.waitFor(/lost.*failed: working directory does not exist/);
    await run.waitFor(/fine\s+\| ready/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, 'a requested stop exits 0, as the contract says');
    await assertClean(run);
  });

  it('gives a unit exactly the declared variables with inherit_env: false', async () => {
    const dir = spec(
      `version: 1\ninherit_env: [PROCS_TEST_TAG]\nenv: { GLOBAL_ONE: g }\nprocesses:\n  show:\n    command: [${NODE}, ${bin('env.js')}]\n    env: { OWN: o }\n    restart: never\n`,
    );
    const run = procs(['up'], { cwd: dir, env: { SECRET_FROM_PARENT: 'x' } });
    assert.equal(await run.exited, 0);
    const line = run.stdout.map((l) => LINE.exec(l)).find((m) => m?.[1] === 'show');
    const env = JSON.parse(line?.[2] ?? '{}') as Record<string, string>;
    assert.deepEqual(Object.keys(env).sort(), ['GLOBAL_ONE', 'OWN', 'PROCS_PROJECT', 'PROCS_TEST_TAG', 'PROCS_UNIT']);
    assert.equal(env.PROCS_UNIT, 'show');
    await assertClean(run);
  });

  it('starts a dependent only after a `completed` step has finished', async () => {
    const dir = spec(
      `version: 1\nprocesses:\n  migrate:\n    command: "sleep 0.2 && echo migrated"\n    restart: never\n  api:\n    command: "echo api up"\n    depends_on: { migrate: completed }\n    restart: never\n`,
    );
    const run = procs(['up'], { cwd: dir });
    assert.equal(await run.exited, 0);
    const out = run.stdout.join('\n');
    assert.ok(out.indexOf('migrated') < out.indexOf('api up'), out);
    await assertClean(run);
  });

  it('starts nothing and exits 2 on a spec error', async () => {
    const dir = spec(`version: 1\nprocesses:\n  api:\n    comand: "echo hi"\n`);
    const run = procs(['up'], { cwd: dir });
    assert.equal(await run.exited, 2);
    assert.match(run.stderr.join('\n'), /procs\.yaml:4:5 .*command/);
    assert.equal(run.stdout.length, 0);
  });

  it('runs a Procfile with foreman ports', async () => {
    const pdir = project({ Procfile: 'web: echo "web on $PORT"\nworker: echo "worker on $PORT"\n' });
    after(() => removeProject(pdir));
    const run = procs(['up'], { cwd: pdir });
    assert.equal(await run.exited, 0, run.text());
    assert.ok(
      run.stdout.some((l) => /web\s+\| web on 5000$/.test(l)),
      run.text(),
    );
    assert.ok(
      run.stdout.some((l) => /worker\s+\| worker on 5100$/.test(l)),
      run.text(),
    );
    await assertClean(run);
  });
});
