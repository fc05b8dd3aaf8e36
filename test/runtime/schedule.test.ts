// Scheduled units on a fake driver and a manual clock: whole days of ticks in milliseconds, the
// time zone and its DST days, and what happens to a run still going at the next tick.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dependency, ProcessUnit, RestartSpec, ScheduleSpec, UnitSpec } from '../../src/config/spec.js';
import type { ExitInfo } from '../../src/events/types.js';
import { cronTicks } from '../../src/app/cron.js';
import type { ProcessDriver, RunningProcess } from '../../src/runtime/driver.js';
import { Supervisor, type EventInput } from '../../src/runtime/supervisor.js';
import { ManualClock } from '../helpers/manual-clock.js';

const NEVER: RestartSpec = { policy: 'never', maxRestarts: 5, backoff: { initialMs: 1000, factor: 2, maxMs: 30_000 }, resetAfterMs: 30_000, successCodes: [0] };
const MIN = 60_000;
const HOUR = 60 * MIN;

function unit(name: string, schedule?: Partial<ScheduleSpec>, opts: { deps?: Dependency[]; restart?: Partial<RestartSpec> } = {}): ProcessUnit {
  return {
    name,
    kind: 'process',
    cwd: '/',
    env: {},
    dependsOn: opts.deps ?? [],
    restart: { ...NEVER, ...opts.restart },
    stop: { signal: 'SIGTERM', timeoutMs: 10_000 },
    health: {},
    log: { maxSizeBytes: 1 << 20, keep: 1 },
    hash: name,
    command: { kind: 'exec', file: 'true', args: [] },
    ...(schedule ? { schedule: { runOnStart: false, concurrency: 'forbid', ...schedule } } : {}),
  };
}

/** A driver whose runs end at once with `codes` (one per run, then 0), or go on while `hold` has the unit. */
class Driver implements ProcessDriver {
  readonly starts: { name: string; at: number }[] = [];
  readonly stops: string[] = [];
  readonly hold = new Set<string>();
  readonly codes: number[] = [];
  readonly running = new Map<string, (e: Partial<ExitInfo>) => void>();
  /** Every run's exit, by run (runs beside a unit's own share its name). */
  readonly byProc = new Map<RunningProcess, (e: Partial<ExitInfo>) => void>();
  #pid = 100;
  constructor(readonly clock: ManualClock) {}

  start(u: UnitSpec): RunningProcess {
    this.starts.push({ name: u.name, at: this.clock.wallNow() });
    let resolve!: (e: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((r) => (resolve = r));
    const exit = (e: Partial<ExitInfo>): void => resolve({ code: 0, signal: null, status: 0, durationMs: 1, ...e });
    this.running.set(u.name, exit);
    if (!this.hold.has(u.name)) {
      const code = this.codes.shift() ?? 0;
      queueMicrotask(() => exit({ code, status: code }));
    }
    const proc = { pid: ++this.#pid, exited, outputDone: Promise.resolve() };
    this.byProc.set(proc, exit);
    return proc;
  }

  async stop(u: UnitSpec, proc: RunningProcess): Promise<{ forced: boolean }> {
    this.stops.push(u.name);
    (this.byProc.get(proc) ?? this.running.get(u.name))?.({ code: null, signal: 'SIGTERM', status: 143 });
    await proc.exited;
    return { forced: false };
  }

  kill(u: UnitSpec): void {
    this.running.get(u.name)?.({ code: null, signal: 'SIGKILL', status: 137 });
  }

  async settle(): Promise<void> {}
}

function setup(units: UnitSpec[], wallStart: number) {
  const clock = new ManualClock(wallStart);
  const driver = new Driver(clock);
  const events: EventInput[] = [];
  const sup = new Supervisor({ units, driver, clock, publish: (e) => events.push(e), cron: cronTicks });
  return { clock, driver, events, sup };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

/** Moves the clock `total` ms in steps, letting each run end between them. */
async function advance(clock: ManualClock, total: number, step: number): Promise<void> {
  for (let done = 0; done < total; done += step) {
    clock.advance(Math.min(step, total - done));
    await flush();
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('scheduled units', () => {
  it('runs */10 * * * * 144 times in a day, scheduled between runs with its next run', async () => {
    const start = Date.UTC(2026, 0, 10, 0, 0, 30);
    const { clock, driver, sup } = setup([unit('cleanup', { cron: '*/10 * * * *', timezone: 'UTC' })], start);
    sup.start();
    const row = (): ReturnType<Supervisor['status']>[number] | undefined => sup.status()[0];
    assert.equal(row()?.state, 'scheduled');
    assert.equal(row()?.schedule?.next_run, '2026-01-10T00:10:00.000Z');
    assert.equal(row()?.schedule?.last_run, null);
    await advance(clock, 24 * HOUR, 10 * MIN);
    assert.equal(driver.starts.length, 144);
    assert.equal(iso(driver.starts[0]?.at ?? 0), '2026-01-10T00:10:00.000Z');
    assert.equal(iso(driver.starts.at(-1)?.at ?? 0), '2026-01-11T00:00:00.000Z');
    assert.equal(row()?.state, 'scheduled');
    assert.equal(row()?.schedule?.next_run, '2026-01-11T00:10:00.000Z');
    assert.equal(row()?.schedule?.last_run?.ok, true);
    assert.equal(row()?.restarts, 0);
    await sup.stopAll();
    assert.equal(row()?.state, 'stopped');
    assert.equal(clock.pending(), 0);
  });

  it('runs 0 2 * * * once a day at 02:00 in its time zone, DST days included', async () => {
    // Europe/Paris: 2026-03-29 has no 02:00 (clocks go from 02:00 to 03:00), 2026-10-25 has it twice.
    const spring = setup([unit('backup', { cron: '0 2 * * *', timezone: 'Europe/Paris' })], Date.UTC(2026, 2, 27, 12));
    spring.sup.start();
    await advance(spring.clock, 72 * HOUR, 15 * MIN);
    assert.deepEqual(
      spring.driver.starts.map((s) => iso(s.at)),
      ['2026-03-28T01:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:00:00.000Z'],
    );
    await spring.sup.stopAll();
    const autumn = setup([unit('backup', { cron: '0 2 * * *', timezone: 'Europe/Paris' })], Date.UTC(2026, 9, 24, 12));
    autumn.sup.start();
    await advance(autumn.clock, 48 * HOUR, 15 * MIN);
    assert.deepEqual(
      autumn.driver.starts.map((s) => iso(s.at)),
      ['2026-10-25T00:00:00.000Z', '2026-10-26T01:00:00.000Z'],
    );
    await autumn.sup.stopAll();
  });

  it('counts `every` from when the unit starts, and runs at once with run_on_start', async () => {
    const start = Date.UTC(2026, 0, 10, 0, 0, 7, 250);
    const { clock, driver, sup } = setup([unit('sync', { everyMs: 5 * MIN, runOnStart: true })], start);
    sup.start();
    await flush();
    await advance(clock, 15 * MIN, MIN);
    assert.deepEqual(
      driver.starts.map((s) => s.at - start),
      [0, 5 * MIN, 10 * MIN, 15 * MIN],
    );
    await sup.stopAll();
  });

  it('forbid: a run still going at the tick skips it, and its exit says how many were skipped', async () => {
    const { clock, driver, events, sup } = setup([unit('report', { everyMs: MIN })], 0);
    driver.hold.add('report');
    sup.start();
    await advance(clock, 3 * MIN + 1000, 1000);
    assert.equal(driver.starts.length, 1);
    assert.equal(sup.status()[0]?.state, 'running');
    assert.equal(sup.status()[0]?.schedule?.skipped, 2);
    driver.running.get('report')?.({ code: 0 });
    await flush();
    const exit = events.find((e) => e.type === 'exit');
    assert.ok(exit?.type === 'exit' && exit.state === 'scheduled' && exit.skipped === 2);
    assert.equal(sup.status()[0]?.state, 'scheduled');
    assert.equal(sup.status()[0]?.schedule?.next_run, iso(4 * MIN));
    await sup.stopAll();
  });

  it('replace: the run still going is stopped like a restart and a new one starts', async () => {
    const { clock, driver, sup } = setup([unit('report', { everyMs: MIN, concurrency: 'replace' })], 0);
    driver.hold.add('report');
    sup.start();
    await advance(clock, 2 * MIN, 1000);
    assert.deepEqual(driver.stops, ['report']);
    assert.deepEqual(
      driver.starts.map((s) => s.at),
      [MIN, 2 * MIN],
    );
    assert.equal(sup.status()[0]?.state, 'running');
    assert.equal(sup.status()[0]?.schedule?.next_run, iso(3 * MIN));
    await sup.stopAll();
    assert.equal(clock.pending(), 0);
  });

  it('allow: a run still going at the tick gets another beside it; stopping the unit stops both', async () => {
    const { clock, driver, sup } = setup([unit('report', { everyMs: MIN, concurrency: 'allow' })], 0);
    driver.hold.add('report');
    sup.start();
    await advance(clock, 2 * MIN + 1000, 1000);
    assert.deepEqual(
      driver.starts.map((s) => s.at),
      [MIN, 2 * MIN],
    );
    assert.equal(sup.status()[0]?.state, 'running');
    assert.equal(sup.status()[0]?.schedule?.beside, 1);
    assert.equal(sup.status()[0]?.schedule?.skipped, 0);
    // The run beside ends: it is the last run, and the unit's own still runs.
    const beside = [...driver.byProc.keys()][1];
    assert.ok(beside);
    driver.byProc.get(beside)?.({ code: 4, status: 4 });
    await flush();
    const row = sup.status()[0];
    assert.equal(row?.state, 'running');
    assert.equal(row?.schedule?.beside, 0);
    assert.equal(row?.schedule?.last_run?.ok, false);
    assert.equal(row?.schedule?.last_run?.code, 4);
    // Another one beside at the next tick; stopping everything stops both runs.
    await advance(clock, MIN, 1000);
    assert.equal(sup.status()[0]?.schedule?.beside, 1);
    await sup.stopAll();
    assert.equal(driver.stops.length, 2);
    await flush();
    assert.equal(sup.status()[0]?.schedule?.beside, 0);
    assert.equal(clock.pending(), 0);
  });

  it('a failing run waits for the next tick (restart: never), or is retried first (on-failure)', async () => {
    const never = setup([unit('job', { everyMs: MIN })], 0);
    never.driver.codes.push(3);
    never.sup.start();
    await advance(never.clock, MIN + 1000, 1000);
    const row = never.sup.status()[0];
    assert.equal(row?.state, 'scheduled');
    assert.deepEqual(
      { ok: row?.schedule?.last_run?.ok, code: row?.schedule?.last_run?.code, reason: row?.schedule?.last_run?.reason },
      { ok: false, code: 3, reason: 'exited with code 3' },
    );
    await advance(never.clock, MIN, 1000);
    assert.equal(never.driver.starts.length, 2);
    assert.equal(never.sup.status()[0]?.schedule?.last_run?.ok, true);
    await never.sup.stopAll();

    const retry = setup([unit('job', { everyMs: MIN }, { restart: { policy: 'on-failure' } })], 0);
    retry.driver.codes.push(1, 1);
    retry.sup.start();
    await advance(retry.clock, MIN + 4000, 250);
    assert.deepEqual(
      retry.driver.starts.map((s) => s.at),
      [MIN, MIN + 1000, MIN + 3000],
    );
    assert.equal(retry.sup.status()[0]?.state, 'scheduled');
    assert.equal(retry.sup.status()[0]?.schedule?.last_run?.ok, true);
    await retry.sup.stopAll();
  });

  it('counts as up while scheduled: dependents start, the project never goes idle', async () => {
    const { clock, driver, sup } = setup([unit('web', undefined, { deps: [{ name: 'tick', condition: 'started' }] }), unit('tick', { everyMs: MIN })], 0);
    driver.hold.add('web');
    sup.start();
    assert.deepEqual(
      driver.starts.map((s) => s.name),
      ['web'],
    );
    await sup.whenUp('tick');
    let idle = false;
    void sup.idle().then(() => (idle = true));
    await advance(clock, 3 * MIN, 1000);
    assert.equal(idle, false);
    assert.equal(driver.starts.filter((s) => s.name === 'tick').length, 3);
    await sup.stopAll();
    await flush();
    assert.equal(idle, true);
  });
});
