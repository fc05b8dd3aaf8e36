// Restarts that follow dependencies (`depends_on: { db: { restart: true } }`), on a fake driver
// and a manual clock: which units stop, in what order, and when they start again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dependency, ProcessUnit, RestartSpec, UnitSpec } from '../../src/config/spec.js';
import type { ExitInfo } from '../../src/events/types.js';
import type { ProcessDriver, RunningProcess } from '../../src/runtime/driver.js';
import { Supervisor, type EventInput } from '../../src/runtime/supervisor.js';
import { plan } from '../../src/reconcile/plan.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { DEFAULT_RESTART, processUnit } from '../helpers/units.js';

interface Opts {
  readonly deps?: Dependency[];
  readonly readiness?: boolean;
  readonly pool?: string;
  readonly restart?: Partial<RestartSpec>;
}

function unit(name: string, o: Opts = {}): ProcessUnit {
  const readiness = {
    check: { kind: 'log', pattern: 'ready', display: 'ready' },
    intervalMs: 1000,
    timeoutMs: 1000,
    initialDelayMs: 0,
    failureThreshold: 3,
    successThreshold: 1,
  } as const;
  return processUnit(
    name,
    { kind: 'exec', file: 'true', args: [] },
    {
      kind: o.pool ? 'instance' : 'process',
      pool: o.pool,
      dependsOn: o.deps ?? [],
      restart: { ...DEFAULT_RESTART, ...o.restart },
      health: o.readiness ? { readiness } : {},
      hash: name,
    },
  );
}

/** `depends_on: { NAME: { condition, restart: true } }`. */
const follows = (name: string, condition: Dependency['condition'] = 'healthy'): Dependency[] => [{ name, condition, restart: true }];

type FakeProc = RunningProcess & { exit(e: Partial<ExitInfo>): void };

class FakeDriver implements ProcessDriver {
  readonly log: string[] = [];
  readonly procs = new Map<string, FakeProc>();
  #pid = 100;

  start(u: UnitSpec): RunningProcess {
    this.log.push(`start ${u.name}`);
    let resolve!: (e: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((r) => (resolve = r));
    const exit = (e: Partial<ExitInfo>): void => resolve({ code: 0, signal: null, status: 0, durationMs: 1, ...e });
    const proc: FakeProc = { pid: ++this.#pid, exited, outputDone: Promise.resolve(), exit };
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
  const state = (name: string) => sup.status().find((s) => s.name === name);
  /** The driver's log from now on. */
  const since = (): (() => string[]) => {
    const from = driver.log.length;
    return () => driver.log.slice(from);
  };
  return { clock, driver, events, sup, state, since };
}

/** Lets every promise callback run (the fake driver settles through microtasks). */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('restarts that follow dependencies', () => {
  it('a crash of db stops its dependent at once and starts it again once db is ready again', async () => {
    const { sup, driver, clock, events, state, since } = setup([unit('db', { readiness: true }), unit('api', { deps: follows('db') })]);
    sup.start();
    sup.markReady('db');
    const log = since();
    driver.procs.get('db')?.exit({ code: 1, status: 1 });
    await flush();
    assert.deepEqual(log(), ['stop api']);
    assert.equal(state('api')?.state, 'pending');
    assert.equal(state('api')?.reason, 'waiting for db, which restarted');
    assert.ok(events.some((e) => e.type === 'stop' && e.unit === 'api' && e.reason === 'db restarted'));
    assert.ok(events.some((e) => e.type === 'restart' && e.unit === 'api' && e.reason === 'db restarted' && e.state === 'pending'));
    clock.advance(250);
    await flush();
    assert.deepEqual(log(), ['stop api', 'start db'], 'api waits for db to be ready again');
    sup.markReady('db');
    assert.deepEqual(log(), ['stop api', 'start db', 'start api']);
    assert.equal(state('api')?.restarts, 0, 'the restart is not counted against api');
    assert.equal(state('api')?.reason, null);
    assert.ok(events.some((e) => e.type === 'spawn' && e.unit === 'api' && e.attempt === 2));
    await sup.stopAll();
  });

  it('restartUnits([db]) stops the dependent before db and starts it after db is up', async () => {
    const { sup, state, since } = setup([
      unit('db', { readiness: true }),
      unit('api', { deps: follows('db') }),
      unit('other', { deps: [{ name: 'db', condition: 'healthy' }] }),
    ]);
    sup.start();
    sup.markReady('db');
    const log = since();
    const done = sup.restartUnits(['db']);
    await flush();
    assert.deepEqual(log(), ['stop api', 'stop db', 'start db']);
    assert.equal(state('api')?.state, 'pending');
    sup.markReady('db');
    await done;
    assert.deepEqual(log(), ['stop api', 'stop db', 'start db', 'start api'], 'other, without restart: true, is left alone');
    assert.equal(state('other')?.state, 'running');
    await sup.stopAll();
  });

  it('follows transitively, stopping the farthest dependent first', async () => {
    const { sup, since } = setup([unit('db'), unit('api', { deps: follows('db', 'started') }), unit('web', { deps: follows('api', 'started') })]);
    sup.start();
    const log = since();
    await sup.restartUnits(['db']);
    await flush();
    assert.deepEqual(log(), ['stop web', 'stop api', 'stop db', 'start db', 'start api', 'start web']);
    await sup.stopAll();
  });

  it('does not restart dependents without restart: true', async () => {
    const { sup, driver, clock, since } = setup([
      unit('db'),
      unit('api', { deps: [{ name: 'db', condition: 'started' }] }),
      unit('worker', { deps: follows('db', 'started') }),
    ]);
    sup.start();
    const log = since();
    await sup.restartUnits(['db']);
    driver.procs.get('db')?.exit({ code: 1, status: 1 });
    await flush();
    clock.advance(250);
    await flush();
    assert.deepEqual(log(), ['stop worker', 'stop db', 'start db', 'start worker', 'stop worker', 'start db', 'start worker']);
    await sup.stopAll();
  });

  it('does not stop dependents when db is stopped on request, only when it restarts', async () => {
    const { sup, state, since } = setup([unit('db'), unit('api', { deps: follows('db', 'started') })]);
    sup.start();
    const log = since();
    await sup.stopUnits(['db']);
    assert.deepEqual(log(), ['stop db']);
    assert.equal(state('api')?.state, 'running');
    sup.start(['db']);
    await sup.restartUnits(['db']);
    await flush();
    assert.deepEqual(log(), ['stop db', 'start db', 'stop api', 'stop db', 'start db', 'start api']);
    await sup.stopAll();
  });

  it('does not start a dependent that was not running', async () => {
    const { sup, state, since } = setup([unit('db'), unit('api', { deps: follows('db', 'started') }), unit('web', { deps: follows('db', 'started') })]);
    sup.start();
    await sup.stopUnits(['api']);
    const log = since();
    await sup.restartUnits(['db']);
    await flush();
    assert.deepEqual(log(), ['stop web', 'stop db', 'start db', 'start web']);
    assert.equal(state('api')?.state, 'stopped');
    await sup.stopAll();
  });

  it('does not count the dependent restarts against max_restarts', async () => {
    const { sup, driver, clock, state } = setup([
      unit('db', { restart: { maxRestarts: 10 } }),
      unit('api', { deps: follows('db', 'started'), restart: { maxRestarts: 1 } }),
    ]);
    sup.start();
    for (let i = 0; i < 3; i++) {
      driver.procs.get('db')?.exit({ code: 1, status: 1 });
      await flush();
      clock.advance(60_000);
      await flush();
    }
    assert.equal(state('api')?.state, 'running');
    assert.equal(state('api')?.restarts, 0);
    assert.equal(driver.log.filter((l) => l === 'start api').length, 4);
    await sup.stopAll();
  });

  it('a liveness restart of db takes the dependent along', async () => {
    const { sup, clock, since } = setup([unit('db'), unit('api', { deps: follows('db', 'started') })]);
    sup.start();
    const log = since();
    sup.markUnhealthy('db', 'liveness probe failed 3 times');
    await flush();
    clock.advance(250);
    await flush();
    assert.deepEqual(log(), ['stop db', 'stop api', 'start db', 'start api']);
    await sup.stopAll();
  });

  it('a rolling restart of a pool restarts its dependents once, at the end', async () => {
    const { sup, since } = setup([unit('w.0', { pool: 'w' }), unit('w.1', { pool: 'w' }), unit('lb', { deps: follows('w', 'started') })]);
    sup.start();
    const log = since();
    await sup.restartUnits(['w.0', 'w.1'], { rolling: true });
    await flush();
    assert.deepEqual(log(), ['stop w.0', 'start w.0', 'stop w.1', 'start w.1', 'stop lb', 'start lb']);
    await sup.stopAll();
  });

  it('a reload that restarts db restarts its dependents', async () => {
    const { sup, since, events } = setup([unit('db'), unit('api', { deps: follows('db', 'started') })]);
    sup.start();
    const next = [{ ...unit('db'), hash: 'db-v2' }, unit('api', { deps: follows('db', 'started') })];
    const log = since();
    await sup.apply(
      next,
      plan(
        next,
        sup.status().map((s) => ({ name: s.name, state: s.state, hash: s.name })),
      ),
    );
    await flush();
    assert.deepEqual(log(), ['stop api', 'stop db', 'start db', 'start api']);
    assert.ok(events.some((e) => e.type === 'stop' && e.unit === 'api' && e.reason === 'db restarted'));
    await sup.stopAll();
  });

  it('a dependent stopped on request while it waits for db stays stopped', async () => {
    const { sup, driver, clock, state } = setup([unit('db'), unit('api', { deps: follows('db', 'started') })]);
    sup.start();
    driver.procs.get('db')?.exit({ code: 1, status: 1 });
    await flush();
    assert.equal(state('api')?.state, 'pending');
    await sup.stopUnits(['api']);
    await flush();
    clock.advance(250);
    await flush();
    assert.equal(state('db')?.state, 'running');
    assert.equal(state('api')?.state, 'stopped');
    await sup.stopAll();
  });
});
