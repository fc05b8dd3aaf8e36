// Hooks against the supervisor: post_start before dependents, pre_stop before the stop signal,
// on_failure after the final failure, a failing post_start under the restart policy. A fake
// driver records every call in order; each hook ends when the test says so.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HooksSpec, ProbeSpec, ProcessUnit, UnitSpec } from '../../src/config/spec.js';
import type { ExitInfo } from '../../src/events/types.js';
import { ManualClock } from '../helpers/manual-clock.js';
import type { HookRequest, HookResult, ProcessDriver, RunningProcess } from '../../src/runtime/driver.js';
import { Supervisor, type EventInput } from '../../src/runtime/supervisor.js';

const PROBE: ProbeSpec = {
  check: { kind: 'tcp', host: '127.0.0.1', port: 1, display: '127.0.0.1:1' },
  intervalMs: 1000,
  timeoutMs: 1000,
  initialDelayMs: 0,
  failureThreshold: 3,
  successThreshold: 1,
};

const cmd = (script: string) => ({ kind: 'shell', shell: '/bin/sh', script }) as const;

function unit(name: string, over: Partial<ProcessUnit> = {}): ProcessUnit {
  return {
    name,
    kind: 'process',
    cwd: '/',
    env: {},
    dependsOn: [],
    restart: { policy: 'on-failure', maxRestarts: 1, backoff: { initialMs: 100, factor: 2, maxMs: 1000 }, resetAfterMs: 30_000, successCodes: [0] },
    stop: { signal: 'SIGTERM', timeoutMs: 1000 },
    health: {},
    log: { maxSizeBytes: 1 << 20, keep: 1 },
    hash: name,
    command: { kind: 'exec', file: 'true', args: [] },
    ...over,
  };
}

const hooks = (h: Partial<Record<keyof HooksSpec, string>>, timeoutMs = 5000): HooksSpec =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, { command: cmd(v), timeoutMs }]));

interface Fake extends RunningProcess {
  exit(code: number, signal?: string): void;
  dead: boolean;
}

interface PendingHook {
  readonly unit: string;
  readonly req: HookRequest;
  end(result: Partial<HookResult> & { status: number | null }): void;
}

class FakeDriver implements ProcessDriver {
  readonly procs: Fake[] = [];
  /** Every call, in order: `start api`, `hook api post_start`, `stop api 700`, `kill api`. */
  readonly log: string[] = [];
  readonly hooks: PendingHook[] = [];
  #pid = 100;

  start(u: UnitSpec): RunningProcess {
    this.log.push(`start ${u.name}`);
    let resolve!: (e: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((r) => (resolve = r));
    const p: Fake = {
      pid: ++this.#pid,
      exited,
      outputDone: Promise.resolve(),
      dead: false,
      exit(code, signal) {
        if (p.dead) return;
        p.dead = true;
        resolve({ code: signal ? null : code, signal: signal ?? null, status: code, durationMs: 1 });
      },
    };
    this.procs.push(p);
    return p;
  }

  async stop(u: UnitSpec, proc: RunningProcess): Promise<{ forced: boolean }> {
    this.log.push(`stop ${u.name} ${u.stop.timeoutMs}`);
    (proc as Fake).exit(143, 'SIGTERM');
    await proc.exited;
    return { forced: false };
  }

  kill(u: UnitSpec, proc: RunningProcess): void {
    this.log.push(`kill ${u.name}`);
    (proc as Fake).exit(137, 'SIGKILL');
  }

  settle(): Promise<void> {
    return Promise.resolve();
  }

  alive(proc: RunningProcess): boolean {
    return !(proc as Fake).dead;
  }

  runHook(u: UnitSpec, req: HookRequest): Promise<HookResult> {
    this.log.push(`hook ${u.name} ${req.hook}`);
    return new Promise((resolve) => {
      const end = (r: Partial<HookResult> & { status: number | null }): void => resolve({ timedOut: false, canceled: false, ...r });
      req.signal.addEventListener('abort', () => end({ status: null, canceled: true }), { once: true });
      this.hooks.push({ unit: u.name, req, end });
    });
  }

  /** The hook `hook` of `unit` asked for last. */
  hook(unit: string, hook: string): PendingHook {
    const h = this.hooks.filter((x) => x.unit === unit && x.req.hook === hook).at(-1);
    assert.ok(h, `${unit}:${hook} was asked for`);
    return h;
  }
}

function setup(units: UnitSpec[]) {
  const clock = new ManualClock();
  const driver = new FakeDriver();
  const events: EventInput[] = [];
  const sup = new Supervisor({ units, driver, clock, publish: (e) => events.push(e) });
  const state = (name: string) => sup.status().find((u) => u.name === name)?.state;
  return { clock, driver, events, sup, state };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

describe('Supervisor: hooks', () => {
  it('runs post_start once the run is up; healthy dependents wait for it, started ones do not', async () => {
    const api = unit('api', { hooks: hooks({ post_start: 'migrate' }) });
    const web = unit('web', { dependsOn: [{ name: 'api', condition: 'healthy' }] });
    const log = unit('log', { dependsOn: [{ name: 'api', condition: 'started' }] });
    const { driver, events, sup } = setup([api, web, log]);
    sup.start();
    await flush();
    assert.deepEqual(driver.log, ['start api', 'hook api post_start', 'start log']);
    driver.hook('api', 'post_start').end({ status: 0 });
    await flush();
    assert.deepEqual(driver.log, ['start api', 'hook api post_start', 'start log', 'start web']);
    const hookEvents = events.filter((e) => e.type === 'hook');
    assert.deepEqual(
      hookEvents.map((e) => e.type === 'hook' && [e.unit, e.hook, e.phase, e.status]),
      [
        ['api', 'post_start', 'start', undefined],
        ['api', 'post_start', 'end', 0],
      ],
    );
  });

  it('with a readiness probe, runs post_start after the unit is ready, and dependents wait for it', async () => {
    const api = unit('api', { health: { readiness: PROBE }, hooks: hooks({ post_start: 'warm' }) });
    const web = unit('web', { dependsOn: [{ name: 'api', condition: 'healthy' }] });
    const { driver, sup, state } = setup([api, web]);
    sup.start();
    await flush();
    assert.deepEqual(driver.log, ['start api']);
    sup.markReady('api');
    await flush();
    assert.equal(state('api'), 'ready');
    assert.deepEqual(driver.log, ['start api', 'hook api post_start']);
    driver.hook('api', 'post_start').end({ status: 0 });
    await flush();
    assert.deepEqual(driver.log, ['start api', 'hook api post_start', 'start web']);
  });

  it('a failing post_start ends the run under the restart policy; the final failure names it, then on_failure runs', async () => {
    const api = unit('api', { hooks: hooks({ post_start: 'migrate', on_failure: 'page' }) });
    const web = unit('web', { dependsOn: [{ name: 'api', condition: 'healthy' }] });
    const { clock, driver, events, sup, state } = setup([api, web]);
    sup.start();
    await flush();
    driver.hook('api', 'post_start').end({ status: 3 });
    await flush();
    assert.equal(state('api'), 'backoff');
    const restartAt = events.find((e) => e.type === 'backoff');
    assert.ok(restartAt);
    clock.advance(100);
    await flush();
    assert.ok(events.some((e) => e.type === 'restart' && e.reason === 'post_start hook exited with code 3'));
    driver.hook('api', 'post_start').end({ status: 3 });
    await flush();
    assert.equal(state('api'), 'failed');
    assert.equal(state('web'), 'skipped');
    const failed = events.find((e) => e.type === 'failed');
    assert.equal(failed?.type === 'failed' && failed.reason, 'post_start hook exited with code 3; gave up after 1 restart');
    assert.deepEqual(driver.log, [
      'start api',
      'hook api post_start',
      'stop api 1000',
      'start api',
      'hook api post_start',
      'stop api 1000',
      'hook api on_failure',
    ]);
    assert.deepEqual(driver.hook('api', 'on_failure').req.env, { PROCS_FAILED_UNIT: 'api', PROCS_EXIT_CODE: '', PROCS_EXIT_SIGNAL: 'SIGTERM' });
  });

  it('runs pre_stop before the stop signal, its time taken from the stop timeout', async () => {
    const api = unit('api', { hooks: hooks({ pre_stop: 'drain' }) });
    const { clock, driver, events, sup, state } = setup([api]);
    sup.start();
    await flush();
    const stopped = sup.stopUnits(['api']);
    await flush();
    assert.deepEqual(driver.log, ['start api', 'hook api pre_stop']);
    assert.equal(state('api'), 'stopping');
    clock.advance(300);
    driver.hook('api', 'pre_stop').end({ status: 0 });
    await stopped;
    assert.deepEqual(driver.log, ['start api', 'hook api pre_stop', 'stop api 700']);
    assert.equal(driver.hook('api', 'pre_stop').req.timeoutMs, 1000);
    const stop = events.findLast((e) => e.type === 'stop');
    assert.equal(stop?.type === 'stop' && stop.forced, false);
  });

  it('kills the unit when pre_stop uses the whole stop timeout', async () => {
    const api = unit('api', { hooks: hooks({ pre_stop: 'sleep 100' }) });
    const { clock, driver, events, sup } = setup([api]);
    sup.start();
    await flush();
    const stopped = sup.stopUnits(['api']);
    await flush();
    clock.advance(1000);
    driver.hook('api', 'pre_stop').end({ status: null, timedOut: true });
    await stopped;
    assert.deepEqual(driver.log, ['start api', 'hook api pre_stop', 'kill api', 'stop api 1000']);
    const stop = events.findLast((e) => e.type === 'stop');
    assert.equal(stop?.type === 'stop' && stop.forced, true);
  });

  it('does not run pre_stop for a run that exited on its own', async () => {
    const api = unit('api', { restart: { ...unit('x').restart, policy: 'never' }, hooks: hooks({ pre_stop: 'drain', on_failure: 'page' }) });
    const { driver, sup, state } = setup([api]);
    sup.start();
    await flush();
    driver.procs[0]?.exit(1);
    await flush();
    assert.equal(state('api'), 'failed');
    driver.hook('api', 'on_failure').end({ status: 0 });
    await sup.stopAll();
    assert.deepEqual(driver.log, ['start api', 'hook api on_failure']);
  });

  it('runs on_failure after the final failure, with the exit; idle and stopAll wait for it', async () => {
    const api = unit('api', { restart: { ...unit('x').restart, policy: 'never' }, hooks: hooks({ on_failure: 'page' }) });
    const { driver, events, sup, state } = setup([api]);
    sup.start();
    await flush();
    driver.procs[0]?.exit(2);
    await flush();
    assert.equal(state('api'), 'failed');
    assert.deepEqual(driver.log, ['start api', 'hook api on_failure']);
    const kinds = events.map((e) => (e.type === 'hook' ? `hook ${e.phase}` : e.type));
    assert.deepEqual(kinds.slice(-3), ['exit', 'failed', 'hook start']);
    assert.deepEqual(driver.hook('api', 'on_failure').req.env, { PROCS_FAILED_UNIT: 'api', PROCS_EXIT_CODE: '2', PROCS_EXIT_SIGNAL: '' });
    let idle = false;
    let stopped = false;
    void sup.idle().then(() => (idle = true));
    void sup.stopAll().then(() => (stopped = true));
    await flush();
    assert.equal(idle, false);
    assert.equal(stopped, false);
    driver.hook('api', 'on_failure').end({ status: 0 });
    await flush();
    assert.equal(idle, true);
    assert.equal(stopped, true);
  });

  it('cancels a running post_start when the unit is stopped, and every hook on killAll', async () => {
    const api = unit('api', { hooks: hooks({ post_start: 'migrate' }) });
    const { driver, sup, state } = setup([api]);
    sup.start();
    await flush();
    await sup.stopUnits(['api']);
    assert.equal(driver.hook('api', 'post_start').req.signal.aborted, true);
    assert.equal(state('api'), 'stopped');
    sup.start(['api']);
    await flush();
    const again = driver.hook('api', 'post_start');
    assert.equal(again.req.signal.aborted, false);
    sup.killAll();
    assert.equal(again.req.signal.aborted, true);
  });
});
