// Units misbehaving under load: a pool of 50 printing numbered lines while instances are killed
// with SIGKILL at random for a minute (PROCS_FAULTS_POOL_SECONDS), then frozen, failing,
// stubborn and escaping units side by side. Afterwards the pool is whole, the event log is
// ordered and legal, no line of a live unit is missing from the terminal or the log files, and
// after the stop nothing is left.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { assertClean, BIN, freePort, procs, project, removeProject, taggedProcesses } from '../helpers/cli.js';
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

/** Numbered lines `PID N` of each unit's log file, as [unit/pid, N]. */
function* logLines(dir: string): Generator<readonly [string, number]> {
  const logs = join(dir, '.procs/logs');
  for (const f of readdirSync(logs).filter((n) => n.endsWith('.log')).sort()) {
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
    await until(() => {
      const pids = runningPids(readEvents(dir));
      return pids.size === POOL && [...pids.values()].every((p) => existsSync(`/proc/${p}`));
    }, `the pool back at ${POOL}`, 60_000);
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
    assert.ok(events.some((e) => e.type === 'stop' && e.unit === 'stubborn' && e.state === 'stopped' && e.forced === true), 'stubborn killed after its stop timeout');
    figure(t, 'mixed faults injected (SIGSTOP, exit at startup, ignored SIGTERM, a setsid escape)', 4);
    figure(t, 'mixed-fault events checked', events.length);
  });

  // Known gap: the leader exits by itself after its child left the session (setsid), so the child
  // is reparented to init before procs can see it through the parent chain. It survives, and
  // holding the unit's stdout pipe it keeps procs from exiting at all.
  it('ends a setsid child whose parent exited on its own, and exits', { todo: 'orphaned setsid descendants are not found yet' }, async () => {
    const dir = project({ 'procs.yaml': `version: 1\nprocesses:\n  orphaner:\n    command: [${NODE}, ${bin('grandchild.js')}, escape, exit-parent]\n    restart: never\n` });
    dirs.push(dir);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/orphaner\s+\| child \d+$/);
    const code = await Promise.race([run.exited, new Promise<string>((r) => setTimeout(() => r('still running after 10 s'), 10_000))]);
    if (typeof code === 'string') run.child.kill('SIGKILL');
    await assertClean(run);
    assert.equal(code, 0);
  });
});
