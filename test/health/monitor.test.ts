// The health monitor's record of probe answers, on a manual clock with fake exec checks: a bounded
// list per probe with repeats folded, cleared when a new run starts, and a `probe` event for the
// first answer of a run and each change only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command, ProbeSpec } from '../../src/config/spec.js';
import type { ProbeResult } from '../../src/events/types.js';
import { ANSWERS_PER_PROBE } from '../../src/health/answers.js';
import { HealthMonitor } from '../../src/health/monitor.js';
import type { OneShotResult } from '../../src/runtime/one-shot.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { processUnit, sh } from '../helpers/units.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const none = { timedOut: false, canceled: false, outputLimited: false, stdout: '', stderr: '' };
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();

/** An exec probe (`exec pg_isready`) every second from the start, never failing the unit unless told. */
function probe(over: Partial<ProbeSpec> = {}): ProbeSpec {
  return {
    check: { kind: 'exec', command: sh('pg_isready'), display: 'pg_isready' },
    intervalMs: 1000,
    timeoutMs: 500,
    initialDelayMs: 0,
    failureThreshold: 1000,
    successThreshold: 1,
    ...over,
  };
}

/** A monitor whose exec checks answer `answer(n)` at their n-th call (0-based), on a manual clock. */
function setup(answer: (call: number, command: Command) => Partial<OneShotResult>) {
  const clock = new ManualClock(T0);
  const events: { unit: string; result: ProbeResult }[] = [];
  const verdicts: string[] = [];
  let calls = 0;
  const monitor = new HealthMonitor(
    clock,
    { markReady: (n) => verdicts.push(`${n} ready`), markUnhealthy: (n, why) => verdicts.push(`${n} unhealthy: ${why}`) },
    (command) => Promise.resolve({ ...none, status: 0, ...answer(calls++, command) }),
    (unit, result) => events.push({ unit, result }),
  );
  /** Lets the check due now answer, then moves on second by second, each check answering on time. */
  const seconds = async (n: number): Promise<void> => {
    for (let i = 0; i <= n; i++) {
      clock.advance(i === 0 ? 0 : 1000);
      for (let j = 0; j < 10; j++) await Promise.resolve();
    }
  };
  return { monitor, events, verdicts, seconds };
}

describe('HealthMonitor answers', () => {
  it('folds repeated answers into one entry with a count, and publishes only the first', async () => {
    const { monitor, events, seconds } = setup(() => ({ status: 1, stdout: 'accepting\nno response\n\n' }));
    const unit = processUnit('db', sh('true'), { health: { liveness: probe() } });
    monitor.unitRunning(unit, 1);
    await seconds(9);
    const failing = { probe: 'liveness', check: 'exec', target: 'exec pg_isready', ok: false, detail: 'exit 1: no response' } as const;
    assert.deepEqual(monitor.results('db'), [{ ...failing, at: at(9), count: 10 }]);
    assert.deepEqual(events, [{ unit: 'db', result: { ...failing, at: at(0), count: 1 } }]);
    monitor.stopAll();
  });

  it('publishes each change and keeps only the last few entries of a probe', async () => {
    // Answers alternate between success and failure: each one is a change.
    const { monitor, events, seconds } = setup((n) => (n % 2 === 0 ? { status: 0 } : { status: 2, stderr: `bad ${n}\n` }));
    const unit = processUnit('db', sh('true'), { health: { liveness: probe() } });
    monitor.unitRunning(unit, 1);
    await seconds(7);
    assert.deepEqual(
      events.map((e) => [e.result.ok, e.result.detail, e.result.count]),
      [0, 1, 2, 3, 4, 5, 6, 7].map((n) => (n % 2 === 0 ? [true, 'exit 0', 1] : [false, `exit 2: bad ${n}`, 1])),
    );
    assert.equal(ANSWERS_PER_PROBE, 5);
    assert.deepEqual(
      monitor.results('db').map((r) => [r.detail, r.at]),
      [3, 4, 5, 6, 7].map((n) => [n % 2 === 0 ? 'exit 0' : `exit 2: bad ${n}`, at(n)]),
    );
    monitor.stopAll();
  });

  it('keeps the last run’s answers after it ends, and starts afresh (with a new event) on the next run', async () => {
    const { monitor, events, seconds } = setup(() => ({ status: 0 }));
    const unit = processUnit('db', sh('true'), { health: { liveness: probe() } });
    monitor.unitRunning(unit, 1);
    await seconds(3);
    monitor.unitEnded(unit, 1);
    await seconds(2);
    assert.deepEqual(
      monitor.results('db').map((r) => [r.ok, r.count, r.at]),
      [[true, 4, at(3)]],
    );
    monitor.unitRunning(unit, 2);
    assert.deepEqual(monitor.results('db'), []);
    await seconds(0);
    assert.deepEqual(
      monitor.results('db').map((r) => [r.ok, r.count, r.at]),
      [[true, 1, at(5)]],
    );
    assert.deepEqual(
      events.map((e) => e.result.at),
      [at(0), at(5)],
    );
    monitor.stopAll();
  });

  it('gives readiness’s entries then liveness’s; a failing liveness probe keeps its reason’s wording', async () => {
    const { monitor, events, verdicts, seconds } = setup((_n, c) => (c.kind === 'shell' && c.script === 'ready' ? { status: 0 } : { status: 1 }));
    const exec = (script: string) => ({ kind: 'exec' as const, command: sh(script), display: script });
    const unit = processUnit('db', sh('true'), {
      health: { readiness: probe({ check: exec('ready'), initialDelayMs: 1000 }), liveness: probe({ check: exec('pg_isready'), failureThreshold: 2 }) },
    });
    monitor.unitRunning(unit, 1);
    await seconds(1);
    assert.deepEqual(
      monitor.results('db').map((r) => [r.probe, r.target, r.ok, r.detail, r.count]),
      [
        ['readiness', 'exec ready', true, 'exit 0', 1],
        ['liveness', 'exec pg_isready', false, 'exit 1', 2],
      ],
    );
    assert.deepEqual(
      events.map((e) => [e.result.probe, e.result.at]),
      [
        ['liveness', at(0)],
        ['readiness', at(1)],
      ],
    );
    assert.deepEqual(verdicts, ['db ready', 'db unhealthy: liveness probe failed 2 times: exec pg_isready: exit 1']);
    monitor.stopAll();
  });

  it('records a `log:` readiness probe’s match as one answer', () => {
    const { monitor, events } = setup(() => ({}));
    const readiness = probe({ check: { kind: 'log', pattern: 'listening on \\d+', display: 'listening on \\d+' } });
    const unit = processUnit('web', sh('true'), { health: { readiness } });
    monitor.unitRunning(unit, 1);
    assert.deepEqual(monitor.results('web'), []);
    const sink = monitor.logSink();
    sink.write({ unit: 'web', stream: 'stdout', text: 'booting\nlistening on 8080\n' });
    sink.write({ unit: 'web', stream: 'stdout', text: 'listening on 8081\n' });
    const matched = { probe: 'readiness', check: 'log', target: 'log /listening on \\d+/', ok: true, detail: 'a line matched', at: at(0), count: 1 } as const;
    assert.deepEqual(monitor.results('web'), [matched]);
    assert.deepEqual(events, [{ unit: 'web', result: matched }]);
    monitor.stopAll();
  });
});
