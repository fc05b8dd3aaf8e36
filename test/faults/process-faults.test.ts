// Units misbehaving under load: a pool of 50 printing numbered lines while instances are killed
// with SIGKILL at random for a minute (PROCS_FAULTS_POOL_SECONDS), then frozen, failing,
// stubborn and escaping units side by side. Afterwards the pool is whole, the event log is
// ordered and legal, no line of a live unit is missing from the terminal or the log files, and
// after the stop nothing is left. Last, setsid children orphaned by their parent: ended with
// their unit (exit, restart, stop, down), and the one case that cannot be found.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { descendants } from '../../src/proc/procfs.js';
import { alive, psJson, tempProject } from '../control/helpers.js';
import { assertClean, BIN, freePort, leftovers, procs, project, removeProject, type Run, taggedProcesses } from '../helpers/cli.js';
import { checkEventLog, checkSequences, faults, figure, readEvents, tunable, until, type LoggedEvent } from './support.js';

const NODE = JSON.stringify(process.execPath);
const bin = (name: string): string => JSON.stringify(join(BIN, name));
const POOL = 50;
const SECONDS = tunable('PROCS_FAULTS_POOL_SECONDS', 60);
// A small program (perl: ~4 MB a process, where node takes 40) printing `PID N` 50 times a second.
const PRINTER = ['perl', '-e', '$|=1; for (my $i = 1; ; $i++) { print "$$$$ $i\\n"; select(undef, undef, undef, 0.02); }'];

/** The latest spawn of each unit still running, from the event log: unit → pid. */
function runningPids(events: readonly LoggedEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'spawn' && e.pid !== undefined) out.set(e.unit, e.pid);
    else if (e.type === 'exit' || e.type === 'stop') out.delete(e.unit);
  }
  return out;
}

/** procs' exit code, or a message (after killing it) when it is still running after `ms`. */
async function exitOf(run: Run, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`still running after ${ms} ms`), ms)));
  const code = await Promise.race([run.exited, late]).finally(() => clearTimeout(timer));
  if (typeof code === 'string') run.child.kill('SIGKILL');
  return code;
}

/** Numbered lines `PID N` of each unit's log file, as [unit/pid, N]. */
function* logLines(dir: string): Generator<readonly [string, number]> {
  const logs = join(dir, '.procs/logs');
  for (const f of readdirSync(logs)
    .filter((n) => n.endsWith('.log'))
    .sort()) {
    const unit = f.slice(0, -4);
    for (const line of readFileSync(join(logs, f), 'utf8').split('\n')) {
      const m = /^\S+ out (\d+) (\d+)$/.exec(line);
      if (m) yield [`${unit}/${m[1]}`, Number(m[2])];
    }
  }
}

/** Numbered lines on procs' stdout (`HH:MM:SS w.3 | PID N`), as [unit/pid, N]. */
function* stdoutLines(lines: readonly string[]): Generator<readonly [string, number]> {
  for (const line of lines) {
    const m = /^\d\d:\d\d:\d\d (\S+)\s+\| (\d+) (\d+)$/.exec(line);
    if (m) yield [`${m[1]}/${m[2]}`, Number(m[3])];
  }
}

faults('process faults', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeProject));

  it(`keeps a pool of ${POOL} whole through ${SECONDS} s of random SIGKILLs, losing no line and no event`, async (t) => {
    const spec = `version: 1
pools:
  w:
    command: ${JSON.stringify(PRINTER)}
    replicas: ${POOL}
    restart: { policy: always, max_restarts: 100000, backoff: { initial: 10ms, max: 50ms } }
    stop: { timeout: 2s }
`;
    const dir = project({ 'procs.yaml': spec });
    dirs.push(dir);
    const run = procs(['up'], { cwd: dir });
    await until(() => existsSync(join(dir, '.procs/events.ndjson')) && runningPids(readEvents(dir)).size === POOL, `${POOL} instances running`, 60_000);
    let kills = 0;
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      const pids = runningPids(readEvents(dir));
      const units = [...pids.keys()];
      const unit = units[Math.floor(Math.random() * units.length)];
      const pid = unit === undefined ? undefined : pids.get(unit);
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
          kills++;
        } catch {
          // ended on its own a moment ago
        }
      }
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 130));
    }
    // The pool comes back to its size: every instance running a live process.
    await until(
      () => {
        const pids = runningPids(readEvents(dir));
        return pids.size === POOL && [...pids.values()].every((p) => existsSync(`/proc/${p}`));
      },
      `the pool back at ${POOL}`,
      60_000,
    );
    const ps = procs(['ps', '--json'], { cwd: dir, env: { PROCS_TEST_TAG: run.tag } });
    assert.equal(await ps.exited, 0, ps.text());
    const status = JSON.parse(ps.stdout.join('\n')) as { units: { name: string; state: string }[] };
    assert.equal(status.units.filter((u) => u.name.startsWith('w.') && u.state === 'running').length, POOL, ps.text());

    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.stderr.join('\n'));
    await assertClean(run);

    const events = readEvents(dir);
    assert.deepEqual(checkEventLog(events), []);
    const spawns = events.filter((e) => e.type === 'spawn').length;
    assert.ok(spawns >= POOL + kills * 0.9, `${spawns} spawns for ${kills} kills`);
    const fromLogs = checkSequences(logLines(dir));
    const fromStdout = checkSequences(stdoutLines(run.stdout));
    assert.deepEqual(fromLogs.problems, [], 'a gap in a unit log file');
    assert.deepEqual(fromStdout.problems, [], 'a gap in the terminal output');
    assert.equal(fromStdout.checked, fromLogs.checked, 'the terminal and the log files hold the same lines');
    figure(t, 'pool SIGKILLs injected', kills);
    figure(t, 'pool events checked', events.length);
    figure(t, 'pool runs (unit, pid) with numbered output', fromLogs.tags);
    figure(t, 'pool lines checked (log files + terminal)', fromLogs.checked + fromStdout.checked);
    figure(t, 'pool processes leaked', taggedProcesses(run.tag).length);
  });

  it('frozen, failing-at-startup, SIGTERM-ignoring and session-escaping units: caught, reported, and all gone after the stop', async (t) => {
    const port = await freePort();
    const dir = project({
      'procs.yaml': `version: 1
processes:
  frozen:
    command: [${NODE}, ${bin('http-server.js')}, "${port}"]
    health:
      liveness: { http: "http://127.0.0.1:${port}/health", initial_delay: 500ms, interval: 100ms, timeout: 300ms, failure_threshold: 2 }
    restart: { policy: always, backoff: { initial: 10ms } }
    stop: { timeout: 1s }
  early:
    command: "echo starting; exit 3"
    health:
      readiness: { log: "never printed" }
    restart: { policy: on-failure, max_restarts: 2, backoff: { initial: 10ms } }
  after-early:
    command: [${NODE}, ${bin('hang.js')}]
    depends_on: { early: healthy }
  stubborn:
    command: [${NODE}, ${bin('ignore-term.js')}]
    stop: { timeout: 500ms }
  escaper:
    command: [${NODE}, ${bin('grandchild.js')}, escape]
`,
    });
    dirs.push(dir);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/frozen\s+\| listening/);
    await run.waitFor(/stubborn\s+\| ready/);
    await run.waitFor(/escaper\s+\| child \d+$/);
    const frozenPid = runningPids(readEvents(dir)).get('frozen');
    assert.ok(frozenPid !== undefined);
    process.kill(frozenPid, 'SIGSTOP');
    await until(() => readEvents(dir).some((e) => e.type === 'restart' && e.unit === 'frozen'), 'liveness to restart the frozen unit');
    await until(() => readEvents(dir).some((e) => e.type === 'failed' && e.unit === 'early'), 'the unit failing at startup to fail for good');
    await until(() => readEvents(dir).some((e) => e.type === 'stop' && e.unit === 'after-early' && e.state === 'skipped'), 'its dependent to be skipped');
    await until(() => !existsSync(`/proc/${frozenPid}`) || /\) Z /.test(readFileSync(`/proc/${frozenPid}/stat`, 'utf8')), 'the frozen process to be killed');
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.text());
    await assertClean(run);
    const events = readEvents(dir);
    assert.deepEqual(checkEventLog(events), []);
    assert.ok(events.some((e) => e.type === 'unhealthy' && e.unit === 'frozen'));
    assert.equal(events.filter((e) => e.type === 'spawn' && e.unit === 'early').length, 3, 'early: one run and two restarts');
    assert.ok(
      events.some((e) => e.type === 'stop' && e.unit === 'stubborn' && e.state === 'stopped' && e.forced === true),
      'stubborn killed after its stop timeout',
    );
    figure(t, 'mixed faults injected (SIGSTOP, exit at startup, ignored SIGTERM, a setsid escape)', 4);
    figure(t, 'mixed-fault events checked', events.length);
  });

  // The leader exits by itself after its child left the session (setsid): the child is reparented
  // to init, out of the parent chain, but it still holds the unit's stdout, which leads procs to it.
  it('ends a setsid child whose parent exited on its own, and exits', async () => {
    const dir = project({
      'procs.yaml': `version: 1\nprocesses:\n  orphaner:\n    command: [${NODE}, ${bin('grandchild.js')}, escape, exit-parent]\n    restart: never\n`,
    });
    dirs.push(dir);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/orphaner\s+\| child \d+$/);
    const code = await exitOf(run, 10_000);
    await assertClean(run);
    assert.equal(code, 0);
  });

  it('restarts a unit only once the orphaned setsid child of its last run is gone', async () => {
    const dir = project({});
    dirs.push(dir);
    const trail = join(dir, 'trail.log');
    const command = JSON.stringify([process.execPath, join(BIN, 'grandchild.js'), 'escape', 'exit-parent', `--log=${trail}`]);
    writeFileSync(
      join(dir, 'procs.yaml'),
      `version: 1
processes:
  again:
    command: ${command}
    restart: { policy: always, max_restarts: 1, backoff: { initial: 10ms } }
`,
    );
    const run = procs(['up'], { cwd: dir });
    // Two runs, then past max_restarts: failed, and up ends by itself.
    const code = await exitOf(run, 20_000);
    await assertClean(run);
    assert.equal(code, 1, run.text());
    // Each run's child logs its end (SIGTERM) before the next run's parent starts.
    const steps = readFileSync(trail, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.replace(/ \d+$/, ''));
    assert.deepEqual(steps, ['start parent', 'start child', 'end child', 'start parent', 'start child', 'end child']);
    const spawns = readEvents(dir).filter((e) => e.type === 'spawn' && e.unit === 'again');
    assert.equal(spawns.length, 2);
  });

  it('stop and down of a daemon unit end a setsid child orphaned while the unit runs', async () => {
    const p = tempProject({});
    const trail = join(p.dir, 'trail.log');
    const command = JSON.stringify([process.execPath, join(BIN, 'grandchild.js'), 'escape', 'via-middle', `--log=${trail}`]);
    writeFileSync(join(p.dir, 'procs.yaml'), `version: 1\nprocesses:\n  keeper:\n    command: ${command}\n`);
    let left: number;
    try {
      const started = (n: number): { parent: number; child: number } | undefined => {
        const lines = existsSync(trail) ? readFileSync(trail, 'utf8').split('\n') : [];
        const pid = (what: string): number | undefined => {
          const m = lines.filter((l) => l.startsWith(`start ${what} `))[n - 1];
          return m === undefined ? undefined : Number(m.split(' ')[2]);
        };
        const [parent, child] = [pid('parent'), pid('child')];
        return parent === undefined || child === undefined ? undefined : { parent, child };
      };
      // The middle process has exited: the child is out of the group and of the parent chain.
      const orphaned = async (n: number): Promise<{ parent: number; child: number }> => {
        await until(() => {
          const run = started(n);
          return run !== undefined && descendants([run.parent]).length === 0;
        }, `run ${n}'s child to be orphaned`);
        const run = started(n);
        assert.ok(run !== undefined && alive(run.child));
        return run;
      };
      assert.equal((await p.run(['up', '-d'])).code, 0);
      const first = await orphaned(1);
      const stopped = await p.run(['stop', 'keeper']);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.equal(alive(first.child), false, 'stop returned with the orphan gone');
      assert.match(readFileSync(trail, 'utf8'), new RegExp(`end child ${first.child}\n`));
      assert.equal((await psJson(p)).units.find((u) => u.name === 'keeper')?.state, 'stopped');

      assert.equal((await p.run(['start', 'keeper'])).code, 0);
      const second = await orphaned(2);
      const down = await p.run(['down']);
      assert.equal(down.code, 0, down.stderr);
      assert.equal(alive(second.child), false, 'down returned with the orphan gone');
      assert.match(readFileSync(trail, 'utf8'), new RegExp(`end child ${second.child}\n`));
    } finally {
      left = await p.cleanup();
    }
    assert.equal(left, 0, 'processes outlived the daemon');
  });

  // Known gap: a descendant that closes all of the unit's stdio (as a daemon detaching from its
  // terminal does), leaves the session and is orphaned has nothing left that leads to it.
  it("cannot find a setsid child that holds none of the unit's output once its parent exits: it survives, procs still exits", async () => {
    const dir = project({
      'procs.yaml': `version: 1\nprocesses:\n  quiet:\n    command: [${NODE}, ${bin('grandchild.js')}, escape, exit-parent, quiet-child]\n    restart: never\n`,
    });
    dirs.push(dir);
    const run = procs(['up'], { cwd: dir });
    const pid = Number(/child (\d+)$/.exec(await run.waitFor(/quiet\s+\| child \d+$/))?.[1]);
    assert.equal(await exitOf(run, 10_000), 0, run.text());
    assert.equal(alive(pid), true, 'the detached child outlives procs');
    assert.equal(leftovers(run), 1, 'and it is the only one');
  });
});
