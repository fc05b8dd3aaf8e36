// Probe timing on a manual clock: initial delay, interval, hard timeout and thresholds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeSpec } from '../../src/config/spec.js';
import { ProbeRunner, type CheckResult, type ProbeVerdict } from '../../src/health/probe-runner.js';
import { ManualClock } from '../helpers/manual-clock.js';

const SPEC: ProbeSpec = {
  check: { kind: 'tcp', host: '127.0.0.1', port: 1, display: '127.0.0.1:1' },
  intervalMs: 1000,
  timeoutMs: 500,
  initialDelayMs: 2000,
  failureThreshold: 3,
  successThreshold: 2,
};

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function setup(answers: (boolean | 'hang')[], spec: Partial<ProbeSpec> = {}, stopWhenOk = false) {
  const clock = new ManualClock();
  const verdicts: { v: ProbeVerdict; at: number; detail: string }[] = [];
  const starts: number[] = [];
  let aborted = 0;
  let i = 0;
  const runner = new ProbeRunner({
    spec: { ...SPEC, ...spec },
    clock,
    stopWhenOk,
    check: (signal) => {
      starts.push(clock.now());
      const a = answers[Math.min(i++, answers.length - 1)];
      if (a === 'hang') {
        return new Promise<CheckResult>(() => signal.addEventListener('abort', () => aborted++));
      }
      return Promise.resolve({ ok: a === true, detail: a ? 'up' : 'down' });
    },
    onVerdict: (v, last) => verdicts.push({ v, at: clock.now(), detail: last.detail }),
  });
  return { clock, runner, verdicts, starts, aborted: () => aborted };
}

/** Advances the clock step by step, letting check promises settle between steps. */
async function run(clock: ManualClock, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await flush();
  }
}

describe('ProbeRunner', () => {
  it('waits initial_delay, then checks every interval after the previous check', async () => {
    const { clock, runner, starts } = setup([false]);
    runner.start();
    await run(clock, 5000);
    runner.stop();
    assert.deepEqual(starts, [2000, 3000, 4000, 5000]);
  });

  it('turns ok only after success_threshold consecutive successes', async () => {
    const { clock, runner, verdicts } = setup([true, false, true, true]);
    runner.start();
    await run(clock, 6000);
    runner.stop();
    assert.deepEqual(
      verdicts.map((v) => [v.v, v.at]),
      [['ok', 5000]],
    );
  });

  it('turns failing after failure_threshold consecutive misses, once', async () => {
    const { clock, runner, verdicts } = setup([false]);
    runner.start();
    await run(clock, 10_000);
    runner.stop();
    assert.deepEqual(
      verdicts.map((v) => [v.v, v.at]),
      [['failing', 4000]],
    );
  });

  it('counts a check that does not answer within timeout as a miss, and aborts it', async () => {
    const { clock, runner, verdicts, starts, aborted } = setup(['hang'], { failureThreshold: 2 });
    runner.start();
    await run(clock, 4000);
    runner.stop();
    assert.deepEqual(starts, [2000, 3500]);
    assert.equal(verdicts[0]?.v, 'failing');
    assert.equal(verdicts[0]?.at, 4000);
    assert.match(verdicts[0]?.detail ?? '', /no answer within 500ms/);
    assert.ok(aborted() >= 2);
  });

  it('stops checking after the first ok when asked (readiness)', async () => {
    const { clock, runner, starts } = setup([true], { successThreshold: 1 }, true);
    runner.start();
    await run(clock, 10_000);
    assert.deepEqual(starts, [2000]);
  });

  it('runs no check after stop', async () => {
    const { clock, runner, starts } = setup([false]);
    runner.start();
    runner.stop();
    await run(clock, 5000);
    assert.deepEqual(starts, []);
  });
});
