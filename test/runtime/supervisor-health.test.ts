// Probe results against the supervisor: they count only for the run they were reached for and
// only while its process lives, and `status()` shows no health for a unit that is not running.
// A fake driver and a manual clock: the leader's exit, its settling and its liveness are in
// the test's hands.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeSpec, ProcessUnit, UnitSpec } from '../../src/config/spec.js';
import type { ExitInfo } from '../../src/events/types.js';
import { ManualClock } from '../helpers/manual-clock.js';
import type { ProcessDriver, RunningProcess } from '../../src/runtime/driver.js';
import { Supervisor, type EventInput } from '../../src/runtime/supervisor.js';

const PROBE: ProbeSpec = {
  check: { kind: 'tcp', host: '127.0.0.1', port: 1, display: '127.0.0.1:1' },
  intervalMs: 1000,
  timeoutMs: 1000,
  initialDelayMs: 0,
  failureThreshold: 3,
  successThreshold: 1,
};

function unit(name: string, policy: 'always' | 'never' = 'always'): ProcessUnit {
  return {
    name,
    kind: 'process',
    cwd: '/',
    env: {},
    dependsOn: [],
    restart: { policy, maxRestarts: 5, backoff: { initialMs: 100, factor: 2, maxMs: 1000 }, resetAfterMs: 30_000, successCodes: [0] },
    stop: { signal: 'SIGTERM', timeoutMs: 1000 },
    health: { readiness: PROBE, liveness: PROBE },
    log: { maxSizeBytes: 1 << 20, keep: 1 },
    hash: name,
    command: { kind: 'exec', file: 'true', args: [] },
  };
}

interface Fake extends RunningProcess {
  exit(code: number): void;
  dead: boolean;
}

class FakeDriver implements ProcessDriver {
  readonly procs: Fake[] = [];
  /** Settling of an exited leader's group waits for this (like a leftover child ignoring SIGTERM). */
  settling: Promise<void> = Promise.resolve();
  #pid = 100;

  start(_u: UnitSpec): RunningProcess {
    let resolve!: (e: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((r) => (resolve = r));
    const p: Fake = {
      pid: ++this.#pid,
      exited,
      outputDone: Promise.resolve(),
      dead: false,
      exit(code) {
        p.dead = true;
        resolve({ code, signal: null, status: code, durationMs: 1 });
      },
    };
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
    return this.settling;
  }

  alive(proc: RunningProcess): boolean {
    return !(proc as Fake).dead;
  }
}

function setup(u: UnitSpec) {
  const clock = new ManualClock();
  const driver = new FakeDriver();
  const events: EventInput[] = [];
  const runs: number[] = [];
  const ended: number[] = [];
  const sup = new Supervisor({
    units: [u],
    driver,
    clock,
    publish: (e) => events.push(e),
    onRunning: (_u, run) => runs.push(run),
    onEnded: (_u, run) => ended.push(run),
  });
  const status = () => sup.status()[0];
  return { clock, driver, events, runs, ended, sup, status };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('Supervisor: probe results and the process they are for', () => {
  it('drops a readiness result that arrives after the leader exited, while its group is still being cleared', async () => {
    const { driver, events, runs, ended, sup, status } = setup(unit('api', 'never'));
    let release!: () => void;
    driver.settling = new Promise((r) => (release = r));
    sup.start();
    const run = runs[0] ?? -1;
    driver.procs[0]?.exit(1);
    await flush();
    // The exit is known but the unit has not ended yet: its probes are stopped at once…
    assert.deepEqual(ended, [run]);
    // …and a result that was already on its way does not make it ready.
    sup.markReady('api', run);
    assert.equal(status()?.state, 'running');
    assert.ok(!events.some((e) => e.type === 'ready'), 'an exited unit was reported ready');
    release();
    await flush();
    assert.equal(status()?.state, 'failed');
  });

  it('drops a result when the driver sees the leader gone before its exit is reported', () => {
    const { driver, events, runs, ended, sup } = setup(unit('api'));
    sup.start();
    const proc = driver.procs[0];
    assert.ok(proc);
    proc.dead = true; // exited, but `exited` has not resolved yet
    sup.markReady('api', runs[0] ?? -1);
    sup.markUnhealthy('api', 'liveness probe failed', runs[0] ?? -1);
    assert.deepEqual(
      events.map((e) => e.type),
      ['spawn'],
    );
    assert.deepEqual(ended, [runs[0]], 'the probes of a dead process were not stopped');
  });

  it('drops a result reached for an earlier run of the unit', async () => {
    const { clock, driver, events, runs, sup, status } = setup(unit('api'));
    sup.start();
    driver.procs[0]?.exit(1);
    await flush();
    clock.advance(100);
    assert.equal(runs.length, 2);
    const [first = -1, second = -1] = runs;
    assert.notEqual(first, second);
    sup.markReady('api', first);
    sup.markUnhealthy('api', 'late', first);
    assert.equal(status()?.state, 'running');
    assert.ok(!events.some((e) => e.type === 'ready' || e.type === 'unhealthy'));
    sup.markReady('api', second);
    assert.equal(status()?.state, 'ready');
  });

  it('shows no health once a unit is stopped, has exited or waits to restart', async () => {
    const { clock, driver, runs, sup, status } = setup(unit('api'));
    sup.start();
    assert.deepEqual(status()?.health, { readiness: 'pending', liveness: 'ok' });
    sup.markReady('api', runs[0] ?? -1);
    assert.deepEqual(status()?.health, { readiness: 'ok', liveness: 'ok' });
    driver.procs[0]?.exit(1);
    await flush();
    assert.equal(status()?.state, 'backoff');
    assert.deepEqual(status()?.health, { readiness: null, liveness: null });
    clock.advance(100);
    assert.equal(status()?.state, 'running');
    assert.deepEqual(status()?.health, { readiness: 'pending', liveness: 'ok' }, 'the new run starts unready');
    sup.markReady('api', runs[1] ?? -1);
    await sup.stopUnits(['api']);
    assert.equal(status()?.state, 'stopped');
    assert.deepEqual(status()?.health, { readiness: null, liveness: null });
  });
});
