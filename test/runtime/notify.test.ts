// Announcements on the notify socket against the supervisor: READY=1 counts only from the current
// run's group, STATUS and STOPPING=1 show in `status()`, and a watchdog that runs out (on a
// manual clock) restarts the unit as a liveness failure. Messages are parsed without ever throwing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessUnit, UnitSpec } from '../../src/config/spec.js';
import type { ExitInfo } from '../../src/events/types.js';
import type { ProcessDriver, RunningProcess } from '../../src/runtime/driver.js';
import { parseNotify, STATUS_MAX } from '../../src/runtime/notify.js';
import { Supervisor, type EventInput } from '../../src/runtime/supervisor.js';
import { ManualClock } from '../helpers/manual-clock.js';

function unit(watchdogMs?: number): ProcessUnit {
  return {
    name: 'api',
    kind: 'process',
    cwd: '/',
    env: {},
    dependsOn: [],
    restart: { policy: 'always', maxRestarts: 5, backoff: { initialMs: 100, factor: 2, maxMs: 1000 }, resetAfterMs: 30_000, successCodes: [0] },
    stop: { signal: 'SIGTERM', timeoutMs: 1000 },
    health: {
      readiness: {
        check: { kind: 'notify', display: 'notify' },
        intervalMs: 1000,
        timeoutMs: 1000,
        initialDelayMs: 0,
        failureThreshold: 3,
        successThreshold: 1,
      },
    },
    log: { maxSizeBytes: 1 << 20, keep: 1 },
    hash: 'api',
    command: { kind: 'exec', file: 'true', args: [] },
    ...(watchdogMs === undefined ? {} : { watchdogMs }),
  };
}

type Fake = RunningProcess & { exit(code: number): void };

class FakeDriver implements ProcessDriver {
  readonly procs: Fake[] = [];
  #pid = 100;
  start(_u: UnitSpec): RunningProcess {
    let resolve!: (e: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((r) => (resolve = r));
    const p: Fake = { pid: ++this.#pid, exited, outputDone: Promise.resolve(), exit: (code) => resolve({ code, signal: null, status: code, durationMs: 1 }) };
    this.procs.push(p);
    return p;
  }
  async stop(_u: UnitSpec, proc: RunningProcess): Promise<{ forced: boolean }> {
    (proc as Fake).exit(143);
    await proc.exited;
    return { forced: false };
  }
  kill(_u: UnitSpec, proc: RunningProcess): void {
    (proc as Fake).exit(137);
  }
  settle(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(u: ProcessUnit) {
  const clock = new ManualClock();
  const driver = new FakeDriver();
  const events: EventInput[] = [];
  const sup = new Supervisor({ units: [u], driver, clock, publish: (e) => events.push(e) });
  sup.start();
  return { clock, driver, events, sup, status: () => sup.status()[0] };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('parseNotify', () => {
  it('reads READY, STATUS, STOPPING and WATCHDOG, and nothing else', () => {
    assert.deepEqual(parseNotify('READY=1\nSTATUS=up: 3 clients\nMAINPID=1\nX'), { ready: true, status: 'up: 3 clients' });
    assert.deepEqual(parseNotify('STOPPING=1\nWATCHDOG=1'), { stopping: true, watchdog: 'ping' });
    assert.deepEqual(parseNotify('WATCHDOG=trigger'), { watchdog: 'trigger' });
    assert.deepEqual(parseNotify('READY=0\nWATCHDOG=2\n=1\n\u0000\uffff'), {});
  });

  it('keeps a status on one line and cuts a long one', () => {
    assert.equal(parseNotify('STATUS=a\tb\u001b[31mc').status, 'a b [31mc');
    const long = parseNotify(`STATUS=${'x'.repeat(10_000)}`).status ?? '';
    assert.equal(long.length, STATUS_MAX);
    assert.ok(long.endsWith('…'));
  });
});

describe('Supervisor: announcements', () => {
  it('takes READY=1 only from the current run, by its pid or its process group', async () => {
    const { driver, sup, status } = setup(unit());
    const first = driver.procs[0]!.pid!;
    assert.equal(sup.notified({ pid: 4242, pgid: 4242 }, { ready: true }), undefined, 'a foreign sender is ignored');
    assert.equal(status()?.state, 'running');
    assert.equal(sup.notified({ pid: 5000, pgid: first }, { status: 'warming up' }), 'api');
    assert.equal(status()?.status, 'warming up');
    driver.procs[0]!.exit(1);
    await flush();
    assert.equal(sup.notified({ pid: first, pgid: first }, { ready: true }), undefined, 'the ended run is not listened to');
    assert.notEqual(status()?.state, 'ready');
  });

  it('shows a unit that sent STOPPING=1 as stopping', () => {
    const { driver, sup, status } = setup(unit());
    const pid = driver.procs[0]!.pid!;
    sup.notified({ pid, pgid: pid }, { ready: true });
    assert.equal(status()?.state, 'ready');
    sup.notified({ pid, pgid: pid }, { stopping: true, status: 'draining' });
    assert.equal(status()?.state, 'stopping');
    assert.equal(status()?.status, 'draining');
    assert.deepEqual(sup.states(), [{ name: 'api', state: 'stopping' }], 'the states alone say the same');
  });

  it('restarts a unit whose WATCHDOG=1 stops coming, as a liveness failure', async () => {
    const { clock, driver, events, sup } = setup(unit(1000));
    const pid = driver.procs[0]!.pid!;
    for (let i = 0; i < 3; i++) {
      clock.advance(900);
      sup.notified({ pid, pgid: pid }, { watchdog: 'ping' });
    }
    assert.ok(!events.some((e) => e.type === 'unhealthy'), 'pings in time keep it');
    clock.advance(1000);
    await flush();
    const unhealthy = events.find((e) => e.type === 'unhealthy');
    assert.equal(unhealthy?.type === 'unhealthy' ? unhealthy.reason : undefined, 'no WATCHDOG=1 within 1s');
    clock.advance(100);
    await flush();
    assert.equal(driver.procs.length, 2, 'restarted under its policy');
    assert.ok(events.some((e) => e.type === 'restart' && e.reason === 'liveness probe failed'));
  });
});
