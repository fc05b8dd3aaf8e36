// A real daemon through the everyday commands: up -d, ps (text and --json), logs -n and -f,
// restart, stop and start, an unknown unit, and down leaving no process, socket or pid file.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { procs, taggedProcesses } from '../helpers/cli.js';
import { alive, NODE, psJson, tempProject, waitUntil, type Proj } from '../control/helpers.js';

const TICKER = "let i = 0; setInterval(() => console.log('tick ' + ++i), 50);\n";
const HANG = "console.log('up ' + (process.argv[2] ?? '') + (process.env.WORKER_ID ?? '')); setInterval(() => {}, 1 << 30);\n";
const SPEC = `version: 1
processes:
  web:
    command: [${NODE}, ticker.js]
    health:
      readiness: { log: "tick 3" }
  once:
    command: [${NODE}, "-e", "console.log('hello from once')"]
    restart: never
pools:
  worker:
    command: [${NODE}, hang.js, w]
    replicas: 2
`;
const LINE = /^\d\d:\d\d:\d\d (\S+)\s+\| (.*)$/;
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

describe('procs up -d and the commands that talk to it', () => {
  it('starts a daemon, answers ps, logs, restart, stop/start, and down leaves nothing behind', async () => {
    const p = tempProject({ 'procs.yaml': SPEC, 'ticker.js': TICKER, 'hang.js': HANG });
    projects.push(p);
    const up = await p.run(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /started .* in the background \(pid \d+\)/);
    const procsDir = join(p.dir, '.procs');
    assert.equal(statSync(procsDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(procsDir, 'procs.sock')).mode & 0o777, 0o600);
    const daemonPid = Number(readFileSync(join(procsDir, 'procs.pid'), 'utf8'));
    assert.ok(alive(daemonPid), 'the pid file names a live daemon');

    // Every unit without dependencies has been spawned by the time up -d returns.
    const first = await psJson(p);
    assert.equal(first.project, basename(p.dir));
    assert.deepEqual(
      first.units.map((u) => u.name),
      ['web', 'once', 'worker.0', 'worker.1'],
    );
    for (const u of first.units) assert.ok(u.pid !== null || u.state === 'completed', `${u.name} was spawned (${u.state})`);
    for (const u of first.units) {
      assert.deepEqual(Object.keys(u).slice(0, 9), ['name', 'kind', 'pool', 'state', 'pid', 'restarts', 'started_at', 'exit', 'health']);
      assert.deepEqual(Object.keys(u.exit), ['code', 'signal']);
      assert.deepEqual(Object.keys(u.health), ['readiness', 'liveness']);
    }
    const worker = first.units.find((u) => u.name === 'worker.1');
    assert.equal(worker?.kind, 'instance');
    assert.equal(worker?.pool, 'worker');

    const table = await p.run(['ps']);
    assert.equal(table.code, 0);
    const [header, ...rows] = table.stdout.split('\n');
    assert.match(header ?? '', /^NAME\s+STATE\s+PID\s+CPU\s+MEM\s+PSS\s+RESTARTS\s+UPTIME\s+EXIT\s+HEALTH$/);
    assert.match(rows.find((r) => r.startsWith('once')) ?? '', /^once\s+completed\s+-\s+-\s+-\s+-\s+0\s+-\s+0\s+-$/);

    // logs -n N reads the files: the last N lines of a unit, prefixed like live output.
    const webLog = join(procsDir, 'logs/web.log');
    await waitUntil(() => existsSync(webLog) && readFileSync(webLog, 'utf8').split('\n').length > 6, 20_000, 'web to print');
    const two = await p.run(['logs', 'web', '-n', '2']);
    assert.equal(two.code, 0, two.stderr);
    const lines = two.stdout.split('\n');
    assert.equal(lines.length, 2);
    for (const l of lines) assert.match(l, /^\d\d:\d\d:\d\d web \| tick \d+$/);
    const all = await p.run(['logs', '-n', '5']);
    const units = new Set(all.stdout.split('\n').map((l) => LINE.exec(l)?.[1]));
    assert.deepEqual([...units].sort(), ['once', 'web', 'worker.0', 'worker.1']);
    assert.match(all.stdout, /once\s+\| hello from once/);

    // logs -f follows new output through the socket.
    const last = Number(/tick (\d+)$/.exec(lines[1] ?? '')?.[1]);
    const follower = procs(['logs', '-f', '-n', '0', 'web'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    const seen = await follower.waitFor(/web \| tick \d+$/);
    assert.ok(Number(/tick (\d+)$/.exec(seen)?.[1]) > last, `a new line, after tick ${last}: ${seen}`);

    // An unknown unit: a suggestion and exit 2.
    const typo = await p.run(['restart', 'wbe']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /no unit named 'wbe'; did you mean 'web'\?/);

    // restart returns once the unit is ready again (it has a readiness probe).
    const oldWeb = first.units.find((u) => u.name === 'web')?.pid ?? 0;
    const restarted = await p.run(['restart', 'web']);
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.match(restarted.stdout, /^web: ready \(pid \d+\)$/);
    const webNow = (await psJson(p)).units.find((u) => u.name === 'web');
    assert.equal(webNow?.state, 'ready');
    assert.notEqual(webNow?.pid, oldWeb);
    assert.ok(!alive(oldWeb), 'the old web process is gone');

    // A pool name stands for its instances.
    const stopped = await p.run(['stop', 'worker']);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.deepEqual(stopped.stdout.split('\n'), ['worker.0: stopped', 'worker.1: stopped']);
    const started = await p.run(['start', 'worker']);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^worker\.0: running \(pid \d+\)\nworker\.1: running \(pid \d+\)$/);

    // down: every unit and the daemon gone, socket and pid file removed; the follower ends too.
    const down = await p.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /^down: .* \(3 units stopped in .*\)$/);
    assert.equal(await follower.exited, 0);
    assert.ok(!existsSync(join(procsDir, 'procs.sock')), 'socket removed');
    assert.ok(!existsSync(join(procsDir, 'procs.pid')), 'pid file removed');
    assert.deepEqual(taggedProcesses(p.tag), [], 'no process left');
    const ps = await p.run(['ps']);
    assert.equal(ps.code, 1);
    assert.equal(ps.stderr, `procs ps: no procs project is running in ${p.dir} (no .procs/procs.sock)`);
    const logs = await p.run(['logs', 'once']);
    assert.equal(logs.code, 0, 'logs work when nothing runs');
    assert.match(logs.stdout, /once \| hello from once/);
  });
});
