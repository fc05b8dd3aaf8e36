// A unit's lifecycle: the moves between states as pure functions (what each state carries, which
// moves cannot be written), then every state reached through a supervisor on a fake driver and
// a manual clock, whose wall clock is the only one the supervisor reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeSpec, ProcessUnit, UnitSpec } from '../../src/config/spec.js';
import type { ExitInfo, UnitState } from '../../src/events/types.js';
import type { ProcessDriver, RunningProcess } from '../../src/runtime/driver.js';
import {
  PENDING,
  backingOff,
  completed,
  endingOf,
  failed,
  failedLiveness,
  isEnded,
  isSteady,
  launched,
  leaderExited,
  readied,
  readinessOf,
  runOf,
  skipped,
  spawned,
  stopped,
  stopRequested,
  type Run,
} from '../../src/runtime/lifecycle.js';
import { Supervisor, type EventInput } from '../../src/runtime/supervisor.js';
import { ManualClock } from '../helpers/manual-clock.js';

const PROBE: ProbeSpec = {
  check: { kind: 'log', pattern: 'ready', display: 'ready' },
  intervalMs: 1000,
  timeoutMs: 1000,
  initialDelayMs: 0,
  failureThreshold: 3,
  successThreshold: 1,
};

function unit(name: string, o: { policy?: 'always' | 'never'; deps?: string[]; probes?: boolean } = {}): ProcessUnit {
  return {
    name,
    kind: 'process',
    cwd: '/',
    env: {},
    dependsOn: (o.deps ?? []).map((d) => ({ name: d, condition: 'completed' as const })),
    restart: { policy: o.policy ?? 'always', maxRestarts: 5, backoff: { initialMs: 100, factor: 2, maxMs: 1000 }, resetAfterMs: 30_000, successCodes: [0] },
    stop: { signal: 'SIGTERM', timeoutMs: 2000 },
    health: o.probes ? { readiness: PROBE, liveness: PROBE } : {},
    log: { maxSizeBytes: 1 << 20, keep: 1 },
    hash: name,
    command: { kind: 'exec', file: 'true', args: [] },
  };
}

interface Fake extends RunningProcess {
  exit(status: number): void;
}

function fakeProc(pid: number | undefined): Fake {
  let resolve!: (e: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((r) => (resolve = r));
  const exit = (status: number): void =>
    resolve(
      pid === undefined
        ? { code: null, signal: null, status, durationMs: 0, error: 'command not found' }
        : { code: status, signal: null, status, durationMs: 1 },
    );
  return { pid, exited, outputDone: Promise.resolve(), exit };
}

/**
 * Starts fake processes; a stop ends them at once, or when the test says (`holdStops`). A unit
 * in `failSpawn` gets no pid, and its run ends when the test says.
 */
class FakeDriver implements ProcessDriver {
  readonly procs = new Map<string, Fake>();
  readonly kills: string[] = [];
  readonly failSpawn = new Set<string>();
  holdStops = false;
  #pid = 100;

  start(u: UnitSpec): RunningProcess {
    const p = fakeProc(this.failSpawn.has(u.name) ? undefined : ++this.#pid);
    this.procs.set(u.name, p);
    return p;
  }

  async stop(u: UnitSpec, proc: RunningProcess): Promise<{ forced: boolean }> {
    if (!this.holdStops) (proc as Fake).exit(143);
    await proc.exited;
    return { forced: false };
  }

  kill(u: UnitSpec, proc: RunningProcess): void {
    this.kills.push(u.name);
    (proc as Fake).exit(137);
  }

  async settle(): Promise<void> {}
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

const run = (id: number, proc: RunningProcess = fakeProc(200 + id)): Run => ({ id, proc, startedAt: 0, alive: true });
const never = new Promise<void>(() => {});
const timer = { cancel: () => {} };

describe('lifecycle moves', () => {
  it('carry what only their state has, and drop it when the state is left', () => {
    const starting = launched(PENDING, run(1));
    assert.equal(starting.kind, 'starting');
    const running = spawned(starting);
    assert.deepEqual([running.kind, runOf(running)?.id], ['running', 1]);
    assert.equal(readinessOf(running, true), 'pending');
    assert.equal(readinessOf(running, false), null);

    const ready = readied(running);
    assert.equal(readinessOf(ready, true), 'ok');
    assert.ok(isSteady(ready));

    const unhealthy = failedLiveness(ready, never);
    assert.deepEqual([unhealthy.kind, unhealthy.wasReady], ['unhealthy', true]);
    assert.equal(readinessOf(unhealthy, true), 'ok');
    assert.equal(readinessOf(failedLiveness(running, never), true), 'pending');
    assert.equal(endingOf(unhealthy), never);
    assert.ok(!isSteady(unhealthy));
    // Ready again while the liveness restart goes on: the restart is not forgotten.
    assert.equal(endingOf(readied(unhealthy)), never);
    assert.ok(!isSteady(readied(unhealthy)));

    const gone = leaderExited(unhealthy);
    assert.deepEqual([gone.kind, gone.run.alive, unhealthy.run.alive], ['unhealthy', false, true]);

    const backoff = backingOff(gone, 350, 2, timer);
    assert.deepEqual([backoff.until, backoff.attempt, backoff.after], [350, 2, unhealthy.run.proc]);
    assert.equal(runOf(backoff), undefined);
    assert.equal(launched(backoff, run(2)).run.id, 2);

    const stopping = stopRequested(running, 1_700_000_000_000, never);
    assert.deepEqual([stopping.since, runOf(stopping)?.id, endingOf(stopping)], [1_700_000_000_000, 1, never]);
    assert.deepEqual(stopped(stopping, true), { kind: 'stopped', forced: true });
    assert.deepEqual(stopped(backoff), { kind: 'stopped', forced: false });
    assert.deepEqual(stopped(PENDING), { kind: 'stopped', forced: false });

    assert.deepEqual(completed(running), { kind: 'completed' });
    assert.deepEqual(failed(starting, 'command not found: x'), { kind: 'failed', reason: 'command not found: x' });
    assert.deepEqual(skipped(PENDING, 'dependency db failed'), { kind: 'skipped', reason: 'dependency db failed' });
    for (const p of [stopped(PENDING), completed(running), failed(running, 'x'), skipped(PENDING, 'y')]) {
      assert.ok(isEnded(p));
      assert.equal(runOf(p), undefined);
      assert.equal(endingOf(p), undefined);
    }
  });

  it('cannot be written from a state they do not leave (checked when the tests compile)', () => {
    const running = spawned(launched(PENDING, run(1)));
    const done = stopped(PENDING);
    const backoff = backingOff(running, 100, 1, timer);
    const stopping = stopRequested(running, 0, never);
    const unhealthy = failedLiveness(running, never);
    const illegal = [
      // @ts-expect-error a pending unit has no run to take a pid for
      () => spawned(PENDING),
      // @ts-expect-error a stopped unit cannot become ready
      () => readied(done),
      // @ts-expect-error a unit being stopped cannot become ready
      () => readied(stopping),
      // @ts-expect-error a unit already being restarted for its liveness is not stopped twice
      () => stopRequested(unhealthy, 0, never),
      // @ts-expect-error nor failed twice
      () => failedLiveness(unhealthy, never),
      // @ts-expect-error a unit waiting to restart has no run to stop
      () => stopRequested(backoff, 0, never),
      // @ts-expect-error a stop on request ends in stopped, never in a restart
      () => backingOff(stopping, 100, 1, timer),
      // @ts-expect-error a running unit is not skipped
      () => skipped(running, 'x'),
      // @ts-expect-error an ended unit is started afresh (a fresh record), not launched again
      () => launched(done, run(2)),
      // @ts-expect-error a unit that never ran does not complete
      () => completed(PENDING),
    ];
    assert.equal(illegal.length, 10);
  });
});

describe('lifecycle through the supervisor', () => {
  function setup(units: UnitSpec[]) {
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const driver = new FakeDriver();
    const events: EventInput[] = [];
    const seen = new Set<UnitState>();
    const sup = new Supervisor({ units, driver, clock, publish: (e) => events.push(e) });
    const note = (): void => sup.status().forEach((s) => seen.add(s.state));
    return { clock, driver, events, seen, note, sup, state: (n: string) => sup.status().find((s) => s.name === n)?.state };
  }

  it('reaches every state a unit can show', async () => {
    const { clock, driver, seen, note, sup, state } = setup([
      unit('api', { probes: true }),
      unit('job', { policy: 'never' }),
      unit('after', { deps: ['job'] }),
      unit('ghost'),
    ]);
    driver.failSpawn.add('ghost');
    note(); // pending
    sup.start(['ghost']);
    note(); // starting: no pid yet
    assert.equal(state('ghost'), 'starting');
    driver.procs.get('ghost')?.exit(127);
    await flush();
    assert.equal(state('ghost'), 'failed');
    sup.start(['api']);
    note(); // running
    sup.markReady('api');
    note();
    sup.markUnhealthy('api', 'liveness probe failed 3 times');
    note();
    await flush();
    assert.equal(state('api'), 'backoff');
    note();
    clock.advance(100);
    assert.equal(state('api'), 'running');
    driver.holdStops = true;
    const stopping = sup.stopUnits(['api']);
    await flush();
    note();
    assert.equal(state('api'), 'stopping');
    driver.procs.get('api')?.exit(143);
    await stopping;
    note();
    sup.start(['after']);
    driver.procs.get('job')?.exit(1);
    await flush();
    note(); // job failed, after skipped
    sup.start(['job']);
    driver.procs.get('job')?.exit(0);
    await flush();
    note();
    assert.deepEqual([state('job'), state('after')], ['completed', 'skipped']);
    assert.deepEqual([...seen].sort(), [
      'backoff',
      'completed',
      'failed',
      'pending',
      'ready',
      'running',
      'skipped',
      'starting',
      'stopped',
      'stopping',
      'unhealthy',
    ]);
  });

  it('refuses probe results in states they do not apply to', async () => {
    const { clock, driver, events, sup, state } = setup([unit('api', { probes: true })]);
    sup.markReady('api');
    assert.equal(state('api'), 'pending');
    sup.start();
    driver.procs.get('api')?.exit(1);
    await flush();
    assert.equal(state('api'), 'backoff');
    sup.markReady('api');
    sup.markUnhealthy('api', 'late');
    assert.equal(state('api'), 'backoff');
    clock.advance(100);
    await sup.stopAll();
    sup.markReady('api');
    assert.equal(state('api'), 'stopped');
    assert.ok(!events.some((e) => e.type === 'ready' || e.type === 'unhealthy'));
  });

  it('a kill of everything reaches a unit waiting to restart, and ends the wait', async () => {
    const { clock, driver, sup, state } = setup([unit('api')]);
    sup.start();
    driver.procs.get('api')?.exit(1);
    await flush();
    assert.equal(state('api'), 'backoff');
    sup.killAll();
    assert.deepEqual(driver.kills, ['api']);
    assert.equal(state('api'), 'stopped');
    clock.advance(10_000);
    assert.equal(state('api'), 'stopped');
    await sup.idle();
  });

  it('reads wall-clock time from its clock: started_at, and when a stop turns to SIGKILL', async () => {
    const { clock, driver, sup } = setup([unit('api')]);
    clock.advance(1500);
    sup.start();
    assert.equal(sup.status()[0]?.started_at, '2025-01-01T00:00:01.500Z');
    clock.advance(500);
    driver.holdStops = true;
    const stopping = sup.stopAll();
    await flush();
    assert.deepEqual(sup.stillStopping(), [{ name: 'api', killAt: Date.UTC(2025, 0, 1) + 2000 + 2000 }]);
    driver.procs.get('api')?.exit(143);
    await stopping;
    assert.deepEqual(sup.stillStopping(), []);
    assert.equal(sup.status()[0]?.started_at, '2025-01-01T00:00:01.500Z');
  });
});
