// The supervisor's state machine on a fake driver and a manual clock: no process is spawned and
// no real timer runs, so every ordering and backoff figure is exact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dependency, ProcessUnit, RestartSpec, UnitSpec } from '../../src/config/spec.js';
import type { ExitInfo } from '../../src/events/types.js';
import { ManualClock } from '../helpers/manual-clock.js';
import type { ProcessDriver, RunningProcess } from '../../src/runtime/driver.js';
import { Supervisor, type EventInput } from '../../src/runtime/supervisor.js';
import { plan } from '../../src/reconcile/plan.js';

const RESTART: RestartSpec = {
  policy: 'on-failure',
  maxRestarts: 5,
  backoff: { initialMs: 250, factor: 2, maxMs: 30_000 },
  resetAfterMs: 30_000,
  successCodes: [0],
};

function unit(name: string, opts: { deps?: Dependency[]; restart?: Partial<RestartSpec>; readiness?: boolean; pool?: string } = {}): ProcessUnit {
  return {
    name,
    kind: opts.pool ? 'instance' : 'process',
    pool: opts.pool,
    cwd: '/',
    env: {},
    dependsOn: opts.deps ?? [],
    restart: { ...RESTART, ...opts.restart },
    stop: { signal: 'SIGTERM', timeoutMs: 10_000 },
    health: opts.readiness
      ? {
          readiness: {
            check: { kind: 'log', pattern: 'ready', display: 'ready' },
            intervalMs: 1000,
            timeoutMs: 1000,
            initialDelayMs: 0,
            failureThreshold: 3,
            successThreshold: 1,
          },
        }
      : {},
    log: { maxSizeBytes: 1 << 20, keep: 1 },
    hash: name,
    command: { kind: 'exec', file: 'true', args: [] },
  };
}

interface FakeProc extends RunningProcess {
  exit(e: Partial<ExitInfo>): void;
}

class FakeDriver implements ProcessDriver {
  readonly log: string[] = [];
  readonly procs = new Map<string, FakeProc>();
  #pid = 100;
  failSpawn = new Set<string>();

  start(u: UnitSpec): RunningProcess {
    this.log.push(`start ${u.name}`);
    let resolve!: (e: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((r) => (resolve = r));
    let done = false;
    const exit = (e: Partial<ExitInfo>): void => {
      if (done) return;
      done = true;
      resolve({ code: 0, signal: null, status: 0, durationMs: 1, ...e });
    };
    const spawnFails = this.failSpawn.has(u.name);
    const proc: FakeProc = { pid: spawnFails ? undefined : ++this.#pid, exited, outputDone: Promise.resolve(), exit };
    if (spawnFails) exit({ code: null, status: 127, error: `command not found: ${u.name}` });
    this.procs.set(u.name, proc);
    return proc;
  }

  async stop(u: UnitSpec, proc: RunningProcess): Promise<{ forced: boolean }> {
    this.log.push(`stop ${u.name}`);
    (proc as FakeProc).exit({ code: null, signal: 'SIGTERM', status: 143 });
    await proc.exited;
    return { forced: false };
  }

  kill(u: UnitSpec, proc: RunningProcess): void {
    this.log.push(`kill ${u.name}`);
    (proc as FakeProc).exit({ code: null, signal: 'SIGKILL', status: 137 });
  }

  async settle(): Promise<void> {}
}

function setup(units: UnitSpec[]) {
  const clock = new ManualClock();
  const driver = new FakeDriver();
  const events: EventInput[] = [];
  const sup = new Supervisor({ units, driver, clock, publish: (e) => events.push(e) });
  return { clock, driver, events, sup };
}

/** Lets promise callbacks run (the fake driver settles through microtasks). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('Supervisor', () => {
  it('starts a unit once its `started` dependency has spawned, independent units at once', () => {
    const { driver, sup } = setup([unit('api', { deps: [{ name: 'db', condition: 'started' }] }), unit('db'), unit('cache')]);
    sup.start();
    assert.deepEqual(driver.log, ['start db', 'start cache', 'start api']);
  });

  it('waits for `completed` and for `healthy` (readiness) conditions', async () => {
    const { driver, sup } = setup([
      unit('db', { readiness: true }),
      unit('migrate', { deps: [{ name: 'db', condition: 'healthy' }], restart: { policy: 'never' } }),
      unit('api', { deps: [{ name: 'migrate', condition: 'completed' }] }),
    ]);
    sup.start();
    assert.deepEqual(driver.log, ['start db']);
    sup.markReady('db');
    assert.deepEqual(driver.log, ['start db', 'start migrate']);
    driver.procs.get('migrate')?.exit({ code: 0 });
    await flush();
    assert.deepEqual(driver.log, ['start db', 'start migrate', 'start api']);
    assert.equal(sup.status().find((s) => s.name === 'migrate')?.state, 'completed');
  });

  it('skips dependents of a unit that failed for good, transitively, with the reason', async () => {
    const { sup, driver, events } = setup([
      unit('migrate', { restart: { policy: 'never' } }),
      unit('api', { deps: [{ name: 'migrate', condition: 'completed' }] }),
      unit('web', { deps: [{ name: 'api', condition: 'started' }] }),
    ]);
    sup.start();
    driver.procs.get('migrate')?.exit({ code: 3, status: 3 });
    await flush();
    const st = Object.fromEntries(sup.status().map((s) => [s.name, s]));
    assert.equal(st.migrate?.state, 'failed');
    assert.equal(st.api?.state, 'skipped');
    assert.equal(st.api?.reason, 'dependency migrate failed');
    assert.equal(st.web?.state, 'skipped');
    assert.equal(st.web?.reason, 'dependency api was skipped');
    assert.ok(events.some((e) => e.type === 'failed' && e.unit === 'migrate'));
    await sup.idle();
  });

  it('backs off exponentially in a crash loop, then fails after max_restarts', async () => {
    const { sup, driver, clock, events } = setup([unit('crash')]);
    sup.start();
    for (let i = 0; i < 6; i++) {
      driver.procs.get('crash')?.exit({ code: 1, status: 1 });
      await flush();
      const last = events.at(-1);
      if (last?.type === 'backoff') clock.advance(last.delayMs);
    }
    const delays = events.filter((e) => e.type === 'backoff').map((e) => (e.type === 'backoff' ? e.delayMs : 0));
    assert.deepEqual(delays, [250, 500, 1000, 2000, 4000]);
    assert.equal(driver.log.filter((l) => l === 'start crash').length, 6);
    assert.equal(sup.status()[0]?.state, 'failed');
    assert.equal(sup.status()[0]?.restarts, 5);
    await sup.idle();
  });

  it('fails at once, without restarting, when the command cannot be spawned', async () => {
    const { sup, driver, events } = setup([unit('ghost')]);
    driver.failSpawn.add('ghost');
    sup.start();
    await flush();
    assert.equal(sup.status()[0]?.state, 'failed');
    assert.deepEqual(driver.log, ['start ghost']);
    assert.ok(events.some((e) => e.type === 'failed' && e.reason === 'command not found: ghost'));
  });

  it('stops dependents before their dependencies', async () => {
    const { sup, driver } = setup([
      unit('db'),
      unit('api', { deps: [{ name: 'db', condition: 'started' }] }),
      unit('web', { deps: ['api'].map((name) => ({ name, condition: 'started' as const })) }),
    ]);
    sup.start();
    await sup.stopAll();
    assert.deepEqual(
      driver.log.filter((l) => l.startsWith('stop')),
      ['stop web', 'stop api', 'stop db'],
    );
    assert.ok(sup.status().every((s) => s.state === 'stopped'));
    await sup.idle();
  });

  it('treats a dependency on a pool as a dependency on every instance', () => {
    const { sup, driver } = setup([
      unit('worker.0', { pool: 'worker', readiness: true }),
      unit('worker.1', { pool: 'worker', readiness: true }),
      unit('api', { deps: [{ name: 'worker', condition: 'healthy' }] }),
    ]);
    sup.start();
    sup.markReady('worker.0');
    assert.ok(!driver.log.includes('start api'));
    sup.markReady('worker.1');
    assert.ok(driver.log.includes('start api'));
  });

  it('restarts a unit whose liveness failed, counting it as a failure', async () => {
    const { sup, driver, clock, events } = setup([unit('api')]);
    sup.start();
    sup.markUnhealthy('api', 'liveness probe failed 3 times');
    await flush();
    assert.equal(sup.status()[0]?.state, 'backoff');
    const backoff = events.find((e) => e.type === 'backoff');
    assert.ok(backoff && backoff.type === 'backoff');
    clock.advance(backoff.delayMs);
    assert.equal(driver.log.filter((l) => l === 'start api').length, 2);
    assert.equal(sup.status()[0]?.restarts, 1);
    await sup.stopAll();
  });

  it('a second stop request kills at once, and says so rather than blaming the stop timeout', async () => {
    const { sup, driver, events } = setup([unit('a')]);
    sup.start();
    sup.killAll();
    await sup.idle();
    assert.ok(driver.log.includes('kill a'));
    assert.equal(sup.status()[0]?.state, 'stopped');
    const stop = events.find((e) => e.type === 'stop' && e.state === 'stopped');
    assert.ok(stop?.type === 'stop');
    assert.equal(stop.forced, true);
    assert.equal(stop.atOnce, true);
    assert.deepEqual(
      sup.outcome().map((o) => [o.name, o.forced, o.atOnce]),
      [['a', true, true]],
    );
  });

  it('becomes idle when every unit has ended and none will restart', async () => {
    const { sup, driver } = setup([unit('job', { restart: { policy: 'never' } })]);
    sup.start();
    let idle = false;
    void sup.idle().then(() => (idle = true));
    await flush();
    assert.equal(idle, false);
    driver.procs.get('job')?.exit({ code: 0 });
    await flush();
    assert.equal(idle, true);
  });

  it('starts only the named units and what they depend on', () => {
    const { sup, driver } = setup([unit('db'), unit('api', { deps: [{ name: 'db', condition: 'started' }] }), unit('other')]);
    sup.start(['api']);
    assert.deepEqual(driver.log, ['start db', 'start api']);
  });

  it('with noDeps starts only the named units: a dependency not running is ignored, one starting is waited for', () => {
    const healthyDb: Dependency[] = [{ name: 'db', condition: 'healthy' }];
    const { sup, driver } = setup([unit('db', { readiness: true }), unit('api', { deps: healthyDb }), unit('worker', { deps: healthyDb })]);
    sup.start(['api'], { noDeps: true });
    assert.deepEqual(driver.log, ['start api']);
    sup.start(['db']);
    sup.start(['worker'], { noDeps: true });
    assert.deepEqual(driver.log, ['start api', 'start db']);
    sup.markReady('db');
    assert.deepEqual(driver.log, ['start api', 'start db', 'start worker']);
  });

  it('applies a reconcile plan: removes and restarts changed units, starts new ones, leaves the rest', async () => {
    const { sup, driver } = setup([unit('a'), unit('b'), unit('keep')]);
    sup.start();
    const next = [{ ...unit('a'), hash: 'a-v2' }, unit('keep'), unit('c')];
    const actions = plan(
      next,
      sup.status().map((s) => ({ name: s.name, state: s.state, hash: s.name })),
    );
    await sup.apply(next, actions);
    assert.deepEqual(driver.log.slice(3), ['stop b', 'stop a', 'start a', 'start c']);
    assert.deepEqual(
      sup.status().map((s) => `${s.name}:${s.state}`),
      ['a:running', 'keep:running', 'c:running'],
    );
    await sup.stopAll();
  });

  it('is not idle between the stop and the start of a restart, nor of a spec change', async () => {
    const { sup, driver } = setup([unit('api')]);
    sup.start();
    let idle = false;
    void sup.idle().then(() => (idle = true));
    await sup.restartUnits(['api']);
    await flush();
    assert.deepEqual(driver.log, ['start api', 'stop api', 'start api']);
    assert.equal(idle, false, 'a foreground up would have ended with its only unit restarting');
    const changed = { ...unit('api'), hash: 'api2' };
    await sup.apply(
      [changed],
      plan(
        [changed],
        sup.status().map((u) => ({ name: u.name, state: u.state, hash: 'api' })),
      ),
    );
    await flush();
    assert.deepEqual(driver.log.slice(3), ['stop api', 'start api']);
    assert.equal(idle, false);
    await sup.stopAll();
    await flush();
    assert.equal(idle, true, 'idle once stopped for good');
  });

  it('restarts pool instances one at a time with rolling, each up before the next', async () => {
    const { sup, driver } = setup([unit('w.0', { pool: 'w', readiness: true }), unit('w.1', { pool: 'w', readiness: true })]);
    sup.start();
    sup.markReady('w.0');
    sup.markReady('w.1');
    const done = sup.restartUnits(['w.0', 'w.1'], { rolling: true });
    await flush();
    assert.deepEqual(driver.log.slice(2), ['stop w.0', 'start w.0']);
    sup.markReady('w.0');
    await flush();
    assert.deepEqual(driver.log.slice(2), ['stop w.0', 'start w.0', 'stop w.1', 'start w.1']);
    sup.markReady('w.1');
    await done;
    await sup.stopAll();
  });
});
