// Units that do not start by default (profiles, `enabled: false`) on a fake driver and a manual
// clock: inactive with the reason, started by name with what they need, kept across a reload.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessUnit, UnitSpec } from '../../src/config/spec.js';
import type { ExitInfo } from '../../src/events/types.js';
import { ManualClock } from '../helpers/manual-clock.js';
import type { ProcessDriver, RunningProcess } from '../../src/runtime/driver.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { plan } from '../../src/reconcile/plan.js';

function unit(name: string, o: { deps?: string[]; profiles?: string[]; disabled?: boolean; hash?: string } = {}): ProcessUnit {
  return {
    name,
    kind: 'process',
    cwd: '/',
    env: {},
    dependsOn: (o.deps ?? []).map((d) => ({ name: d, condition: 'started' as const })),
    restart: { policy: 'on-failure', maxRestarts: 5, backoff: { initialMs: 250, factor: 2, maxMs: 30_000 }, resetAfterMs: 30_000, successCodes: [0] },
    stop: { signal: 'SIGTERM', timeoutMs: 10_000 },
    health: {},
    log: { maxSizeBytes: 1 << 20, keep: 1 },
    hash: o.hash ?? name,
    command: { kind: 'exec', file: 'true', args: [] },
    ...(o.profiles ? { profiles: o.profiles } : {}),
    ...(o.disabled ? { enabled: false as const } : {}),
  };
}

class FakeDriver implements ProcessDriver {
  readonly log: string[] = [];
  #pid = 100;

  start(u: UnitSpec): RunningProcess {
    this.log.push(`start ${u.name}`);
    let resolve!: (e: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((r) => (resolve = r));
    return Object.assign({ pid: ++this.#pid, exited, outputDone: Promise.resolve() }, { end: resolve });
  }

  async stop(u: UnitSpec, proc: RunningProcess): Promise<{ forced: boolean }> {
    this.log.push(`stop ${u.name}`);
    (proc as RunningProcess & { end(e: ExitInfo): void }).end({ code: null, signal: 'SIGTERM', status: 143, durationMs: 1 });
    await proc.exited;
    return { forced: false };
  }

  kill(): void {}

  async settle(): Promise<void> {}
}

const UNITS = [
  unit('api'),
  unit('db', { profiles: ['seed', 'e2e'] }),
  unit('seed', { profiles: ['seed'], deps: ['db'] }),
  unit('tool', { disabled: true, deps: ['db'] }),
];

function setup(units: UnitSpec[], profiles?: string[]) {
  const driver = new FakeDriver();
  const sup = new Supervisor({ units, driver, clock: new ManualClock(), publish: () => undefined, ...(profiles ? { profiles } : {}) });
  const row = (name: string) => sup.status().find((u) => u.name === name);
  return { driver, sup, row };
}

describe('Supervisor: profiles and enabled: false', () => {
  it('leaves units of profiles not active and disabled units inactive, with the reason, and is idle', async () => {
    const { driver, sup, row } = setup(UNITS);
    sup.start();
    assert.deepEqual(driver.log, ['start api']);
    assert.deepEqual(
      ['db', 'seed', 'tool'].map((n) => [row(n)?.state, row(n)?.reason]),
      [
        ['inactive', 'profiles seed, e2e not active'],
        ['inactive', 'profile seed not active'],
        ['inactive', 'enabled: false'],
      ],
    );
    await sup.stopAll();
    assert.deepEqual(driver.log, ['start api', 'stop api']);
    await sup.idle();
    assert.equal(row('db')?.state, 'inactive');
  });

  it('starts the units of an active profile, and a disabled unit only by name, with its inactive dependency', () => {
    const { driver, sup, row } = setup(UNITS, ['e2e']);
    sup.start();
    assert.deepEqual(driver.log, ['start api', 'start db']);
    assert.equal(row('seed')?.state, 'inactive');
    sup.start(['tool']);
    assert.deepEqual(driver.log, ['start api', 'start db', 'start tool']);
    assert.equal(row('tool')?.state, 'running');
  });

  it('starts a unit named later with its inactive dependencies; stopped, it shows stopped', async () => {
    const { driver, sup, row } = setup(UNITS);
    sup.start();
    sup.start(['seed']);
    assert.deepEqual(driver.log, ['start api', 'start db', 'start seed']);
    await sup.stopUnits(['seed']);
    assert.equal(row('seed')?.state, 'stopped');
    assert.equal(row('tool')?.state, 'inactive');
  });

  it('starts nothing when every unit is inactive', async () => {
    const { driver, sup } = setup([unit('a', { profiles: ['x'] }), unit('b', { disabled: true })]);
    sup.start();
    await sup.idle();
    assert.deepEqual(driver.log, []);
  });

  it('does not start an inactive unit for a restart (a watch rule)', async () => {
    const { driver, sup, row } = setup(UNITS);
    sup.start();
    await sup.restartUnits(['tool']);
    assert.deepEqual(driver.log, ['start api']);
    assert.equal(row('tool')?.state, 'inactive');
  });

  it('keeps the active profiles and units started by name across a reload', async () => {
    const { driver, sup, row } = setup(UNITS, ['e2e']);
    sup.start();
    sup.start(['tool']);
    const next = [
      unit('api'),
      unit('db', { profiles: ['seed', 'e2e'], hash: 'db2' }),
      unit('seed', { profiles: ['seed'], deps: ['db'] }),
      unit('tool', { disabled: true, deps: ['db'], hash: 'tool2' }),
      unit('new', { profiles: ['seed'] }),
      unit('on', { hash: 'on' }),
    ];
    const observed = sup.status().map((u) => ({ name: u.name, hash: UNITS.find((x) => x.name === u.name)?.hash ?? '', state: u.state }));
    await sup.apply(next, plan(next, observed));
    assert.deepEqual(driver.log, ['start api', 'start db', 'start tool', 'stop tool', 'stop db', 'start db', 'start on', 'start tool']);
    assert.equal(row('new')?.state, 'inactive');
    assert.equal(row('seed')?.state, 'inactive');
  });

  it('starts a unit a reload takes out of every profile', async () => {
    const { driver, sup, row } = setup(UNITS);
    sup.start();
    const next = UNITS.map((u) => (u.name === 'db' ? unit('db', { hash: 'db2' }) : u));
    const observed = sup.status().map((u) => ({ name: u.name, hash: u.name, state: u.state }));
    await sup.apply(next, plan(next, observed));
    assert.deepEqual(driver.log, ['start api', 'start db']);
    assert.equal(row('db')?.state, 'running');
  });
});
