// A unit whose pid comes after its start (through the spawner, whose answers procs reads through
// the event loop): the supervisor goes on meanwhile, tells the start once the pid is there, starts
// what waited for it after that, and a stop that comes first takes the pid before it says so.
// A fake driver and a manual clock: no process is spawned.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dependency, ProcessUnit, UnitSpec } from '../../src/config/spec.js';
import type { ExitInfo } from '../../src/events/types.js';
import type { ProcessDriver, RunningProcess } from '../../src/runtime/driver.js';
import { Supervisor, type EventInput } from '../../src/runtime/supervisor.js';
import { ManualClock } from '../helpers/manual-clock.js';

function unit(name: string, deps: Dependency[] = []): ProcessUnit {
  return {
    name,
    kind: 'process',
    cwd: '/',
    env: {},
    dependsOn: deps,
    restart: { policy: 'never', maxRestarts: 0, backoff: { initialMs: 250, factor: 2, maxMs: 1000 }, resetAfterMs: 1000, successCodes: [0] },
    stop: { signal: 'SIGTERM', timeoutMs: 10_000 },
    health: {},
    log: { maxSizeBytes: 1 << 20, keep: 1 },
    hash: name,
    command: { kind: 'exec', file: 'true', args: [] },
  };
}

interface LateProc extends RunningProcess {
  /** The answer comes: the pid is known, and whoever waits for it is told. */
  answer(): void;
  exit(e: Partial<ExitInfo>): void;
}

// Starts units whose pid comes when `answer()` is called, or at once when `pid` is read (as a
// blocking read of the spawner's answer would give it).
class LateDriver implements ProcessDriver {
  readonly log: string[] = [];
  readonly procs = new Map<string, LateProc>();
  #pid = 100;

  start(u: UnitSpec): RunningProcess {
    this.log.push(`start ${u.name}`);
    let resolve!: (e: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((r) => (resolve = r));
    let pid: number | undefined;
    const waiting: (() => void)[] = [];
    const next = ++this.#pid;
    const answer = (): void => {
      if (pid !== undefined) return;
      pid = next;
      this.log.push(`pid ${u.name}`);
      for (const fn of waiting.splice(0)) fn();
    };
    const proc: LateProc = {
      get pid() {
        answer();
        return pid;
      },
      exited,
      outputDone: Promise.resolve(),
      whenStarted: (fn) => (pid === undefined ? waiting.push(fn) : fn()),
      answer,
      exit: (e) => resolve({ code: 0, signal: null, status: 0, durationMs: 1, ...e }),
    };
    this.procs.set(u.name, proc);
    return proc;
  }

  async stop(u: UnitSpec, proc: RunningProcess): Promise<{ forced: boolean }> {
    this.log.push(`stop ${u.name}`);
    (proc as LateProc).exit({ code: null, signal: 'SIGTERM', status: 143 });
    await proc.exited;
    return { forced: false };
  }

  kill(_u: UnitSpec, proc: RunningProcess): void {
    (proc as LateProc).exit({ code: null, signal: 'SIGKILL', status: 137 });
  }

  async settle(): Promise<void> {}
}

function setup(units: UnitSpec[]) {
  const driver = new LateDriver();
  const events: EventInput[] = [];
  const sup = new Supervisor({ units, driver, clock: new ManualClock(), publish: (e) => events.push(e) });
  return { driver, events, sup };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('a pid that comes after the start', () => {
  it('is not waited for: the start is told when it comes, and what waited for it starts after', async () => {
    const { driver, events, sup } = setup([unit('db'), unit('cache'), unit('api', [{ name: 'db', condition: 'started' }])]);
    sup.start();
    assert.deepEqual(driver.log, ['start db', 'start cache'], 'no pid read in the turn that started them');
    assert.deepEqual(
      events.filter((e) => e.type === 'spawn'),
      [],
    );
    driver.procs.get('db')?.answer();
    await flush();
    assert.deepEqual(driver.log, ['start db', 'start cache', 'pid db', 'start api']);
    assert.deepEqual(
      events.filter((e) => e.type === 'spawn').map((e) => (e.type === 'spawn' ? [e.unit, e.pid] : [])),
      [['db', 101]],
    );
    driver.procs.get('cache')?.answer();
    driver.procs.get('api')?.answer();
    await flush();
    assert.deepEqual(
      sup.status().map((s) => [s.name, s.state]),
      [
        ['db', 'running'],
        ['cache', 'running'],
        ['api', 'running'],
      ],
    );
    await sup.stopAll();
  });

  it('a stop before the pid came takes it first: the start is told before the stop', async () => {
    const { driver, events, sup } = setup([unit('web')]);
    sup.start();
    await sup.stopAll();
    assert.deepEqual(driver.log, ['start web', 'pid web', 'stop web']);
    const kinds = events.filter((e) => e.unit === 'web').map((e) => e.type);
    assert.ok(kinds.indexOf('spawn') >= 0 && kinds.indexOf('spawn') < kinds.indexOf('stop'), kinds.join(' '));
  });
});
