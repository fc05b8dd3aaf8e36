import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventInput } from '../../src/events/bus.js';
import type { RestartSpec } from '../../src/config/spec.js';
import type { ExitInfo } from '../../src/events/types.js';
import { decideAfterExit, type EndCause } from '../../src/runtime/restart-policy.js';
import { exitInfo, spawnFailure } from '../../src/events/signals.js';
import { DEFAULT_RESTART, processUnit, sh } from '../helpers/units.js';
import { EventTextRenderer } from '../../src/output/events-text.js';
import { PrefixRenderer } from '../../src/output/prefix.js';
import { UnitLayout } from '../../src/output/layout.js';
import { HealthMonitor } from '../../src/health/monitor.js';
import { realClock } from '../../src/base/clock.js';
import { Collector, stripAnsi } from './support.js';

const TS = new Date(2025, 4, 1, 10, 4, 31).toISOString();
const KILL_AT = new Date(2025, 4, 1, 10, 4, 41).toISOString();

/** Renders events without colour; returns the lines written. */
function render(events: EventInput[], names = ['api', 'worker.0'], color = false): string[] {
  const out = new Collector();
  const r = new EventTextRenderer(out, {
    names,
    color,
    facts: (u) => (u === 'api' ? { maxRestarts: 5, stopSignal: 'SIGTERM', stopTimeoutMs: 10_000 } : undefined),
  });
  for (const e of events) r.event({ ts: TS, ...e });
  r.flush();
  return out.text().split('\n').slice(0, -1);
}

/** An exit value with defaults. */
function exit(over: Partial<ExitInfo>): ExitInfo {
  return { code: 1, signal: null, status: 1, durationMs: 3200, ...over };
}

void test('spawn, ready and a restarted spawn', () => {
  assert.deepEqual(
    render([
      { type: 'spawn', unit: 'api', pid: 4242, attempt: 1, state: 'running' },
      { type: 'ready', unit: 'api', afterMs: 1200, state: 'ready' },
      { type: 'spawn', unit: 'worker.0', pid: 4243, attempt: 2, state: 'running' },
    ]),
    ['10:04:31 api      * started (pid 4242)', '10:04:31 api      + ready (after 1.2s)', '10:04:31 worker.0 * restarted (pid 4243)'],
  );
});

void test('an exit and its backoff share one line; the restart after it says nothing more', () => {
  assert.deepEqual(
    render([
      { type: 'exit', unit: 'api', exit: exit({}), state: 'backoff' },
      { type: 'backoff', unit: 'api', delayMs: 500, attempt: 2, state: 'backoff' },
      { type: 'restart', unit: 'api', reason: 'exited', attempt: 2, state: 'starting' },
      { type: 'spawn', unit: 'api', pid: 9, attempt: 3, state: 'running' },
    ]),
    ['10:04:31 api      ~ exited with code 1 — restarting in 500ms (attempt 2 of 5)', '10:04:31 api      * restarted (pid 9)'],
  );
});

/** The `failed` reason the runtime gives for this end of a run (restart-policy.ts decides it). */
function reasonFor(end: ExitInfo, opts: { cause?: EndCause; policy?: RestartSpec['policy']; restarts?: number } = {}): string {
  const restarts = opts.restarts ?? 5;
  const restart = { ...DEFAULT_RESTART, policy: opts.policy ?? DEFAULT_RESTART.policy, maxRestarts: restarts };
  const decision = decideAfterExit({ restart, restarts, startedAt: 0, now: 0, exit: end, cause: opts.cause ?? 'exit' });
  assert.equal(decision.kind, 'failed');
  return decision.kind === 'failed' ? decision.reason : '';
}

void test('signals, spawn errors and failures, with the reasons the runtime gives', () => {
  const killed = exitInfo(null, 'SIGKILL', 3200);
  const notFound = spawnFailure('command not found: foo', 127, 0);
  const two = exitInfo(2, null, 3200);
  const probed = exitInfo(null, 'SIGTERM', 3200);
  assert.deepEqual(
    render([
      { type: 'exit', unit: 'api', exit: killed, state: 'failed' },
      { type: 'failed', unit: 'api', reason: reasonFor(killed), state: 'failed' },
      { type: 'exit', unit: 'worker.0', exit: notFound, state: 'failed' },
      { type: 'failed', unit: 'worker.0', reason: reasonFor(notFound), state: 'failed' },
      { type: 'exit', unit: 'api', exit: two, state: 'failed' },
      { type: 'failed', unit: 'api', reason: reasonFor(two, { policy: 'never', restarts: 0 }), state: 'failed' },
      { type: 'exit', unit: 'api', exit: two, state: 'failed' },
      { type: 'failed', unit: 'api', reason: reasonFor(two, { restarts: 1 }), state: 'failed' },
      { type: 'exit', unit: 'worker.0', exit: probed, state: 'failed' },
      { type: 'failed', unit: 'worker.0', reason: reasonFor(probed, { cause: 'liveness' }), state: 'failed' },
    ]),
    [
      '10:04:31 api      x failed: exited with signal SIGKILL (137); gave up after 5 restarts',
      '10:04:31 worker.0 x failed: command not found: foo',
      '10:04:31 api      x failed: exited with code 2',
      '10:04:31 api      x failed: exited with code 2; gave up after 1 restart',
      '10:04:31 worker.0 x failed: exited with signal SIGTERM (143) — liveness probe failed; gave up after 5 restarts',
    ],
  );
});

void test('an exit on its own: completed, stopped, failed', () => {
  assert.deepEqual(
    render([
      { type: 'exit', unit: 'api', exit: exit({ code: 0, status: 0 }), state: 'completed' },
      { type: 'exit', unit: 'worker.0', exit: exit({ code: 3, status: 3 }), state: 'failed' },
      { type: 'exit', unit: 'api', exit: exit({ code: 0, status: 0 }), state: 'stopped' },
    ]),
    [
      '10:04:31 api      + completed (exited with code 0 after 3.2s)',
      '10:04:31 worker.0 x failed: exited with code 3',
      '10:04:31 api      - stopped (exited with code 0)',
    ],
  );
});

void test('stopping, stopped, killed, skipped and the project still waiting', () => {
  assert.deepEqual(
    render([
      { type: 'stop', unit: 'api', reason: 'requested', state: 'stopping' },
      { type: 'stop', unit: 'worker.0', reason: 'spec changed', signal: 'SIGINT', state: 'stopping' },
      { type: 'stop', unit: 'procs', reason: 'requested', waiting: ['api', 'worker.0'], killAt: KILL_AT },
      { type: 'exit', unit: 'api', exit: exit({ code: null, signal: 'SIGKILL', status: 137 }), state: 'stopped' },
      { type: 'stop', unit: 'api', reason: 'requested', state: 'stopped', forced: true },
      { type: 'exit', unit: 'worker.0', exit: exit({ code: 0, status: 0 }), state: 'stopped' },
      { type: 'stop', unit: 'worker.0', reason: 'requested', state: 'stopped' },
      { type: 'stop', unit: 'web', reason: 'dependency db failed', state: 'skipped' },
      { type: 'stop', unit: 'worker.0', reason: 'requested', state: 'stopped', forced: true, atOnce: true },
    ]),
    [
      '10:04:31 api      - stopping (SIGTERM)…',
      '10:04:31 worker.0 - stopping (SIGINT) — spec changed…',
      '10:04:31 procs    ! still waiting for api, worker.0 — killing at 10:04:41',
      '10:04:31 api      x killed with SIGKILL after its stop timeout (10s)',
      '10:04:31 worker.0 - stopped',
      '10:04:31 web      - skipped: dependency db failed',
      '10:04:31 worker.0 x killed with SIGKILL: asked again to stop',
    ],
  );
});

/** The reason the health monitor gives a unit whose liveness probe (tcp to a closed port) fails twice. */
async function unhealthyReason(): Promise<string> {
  let monitor: HealthMonitor | undefined;
  const reason = new Promise<string>((resolve) => {
    const noCommands = (): never => {
      throw new Error('no exec probe here');
    };
    monitor = new HealthMonitor(realClock, { markReady: () => {}, markUnhealthy: (_unit, why) => resolve(why) }, noCommands);
  });
  const check = { kind: 'tcp' as const, host: '127.0.0.1', port: 1, display: '127.0.0.1:1' };
  const liveness = { check, intervalMs: 10, timeoutMs: 2000, initialDelayMs: 0, failureThreshold: 2, successThreshold: 1 };
  const unit = processUnit('api', sh('true'), { health: { liveness } });
  monitor?.unitRunning(unit, 1);
  try {
    return await reason;
  } finally {
    monitor?.unitEnded(unit);
  }
}

void test('an unhealthy unit, with the reason the health monitor gives', async () => {
  const reason = await unhealthyReason();
  assert.deepEqual(render([{ type: 'unhealthy', unit: 'api', reason, state: 'unhealthy' }], ['api']), [
    '10:04:31 api ! unhealthy: liveness probe failed 2 times: tcp 127.0.0.1:1: connect ECONNREFUSED',
  ]);
});

void test('watch, build, reload, scale and spec errors', () => {
  const build = exit({ code: 2, status: 2, durationMs: 800 });
  assert.deepEqual(
    render(
      [
        { type: 'watch', unit: 'build', paths: ['a.ts', 'b.ts', 'c.ts', 'd.ts'] },
        { type: 'build', unit: 'build', ok: false, exit: build },
        { type: 'build', unit: 'build', ok: true, exit: { ...build, code: 0, status: 0 } },
        { type: 'reload', unit: 'procs', actions: ['start web', 'stop old'] },
        { type: 'scale', unit: 'worker', replicas: 3 },
        { type: 'config-error', unit: 'procs', errors: ['procs.yaml:3:5  unknown key "comand"', 'procs.yaml:9:1  cycle'] },
      ],
      ['api', 'worker', 'build', 'procs'],
    ),
    [
      '10:04:31 build  > changed: a.ts, b.ts, c.ts and 1 more',
      '10:04:31 build  x build failed: exited with code 2 — targets keep running their previous version',
      '10:04:31 build  + build succeeded (800ms)',
      '10:04:31 procs  > reloaded: start web, stop old',
      '10:04:31 worker > scaled to 3 instances',
      '10:04:31 procs  x procs.yaml:3:5  unknown key "comand"',
      '10:04:31 procs  x procs.yaml:9:1  cycle',
    ],
  );
});

void test('a held exit is written at the end of the tick without a flush', async () => {
  const out = new Collector();
  const r = new EventTextRenderer(out, { names: ['api'] });
  r.event({ ts: TS, type: 'exit', unit: 'api', exit: exit({}), state: 'failed' });
  assert.equal(out.text(), '');
  await Promise.resolve();
  assert.equal(out.text(), '10:04:31 api x failed: exited with code 1\n');
});

void test('with colour the marker is coloured; lines stay apart from output lines', () => {
  const [line] = render([{ type: 'spawn', unit: 'api', pid: 1, attempt: 1 }], ['api'], true);
  assert.ok(line?.includes('\x1b[32m●'));
  assert.equal(stripAnsi(line ?? ''), '10:04:31 api ● started (pid 1)');
});

void test('state lines and output lines share the name column', () => {
  const out = new Collector();
  const layout = new UnitLayout(['api', 'worker.0'], false);
  const now = new Date(TS).getTime();
  new PrefixRenderer(out, { layout, now: () => now }).write({ unit: 'api', stream: 'stdout', text: 'hello\n' });
  new EventTextRenderer(out, { layout }).event({ ts: TS, type: 'spawn', unit: 'api', pid: 7, attempt: 1 });
  assert.equal(out.text(), '10:04:31 api      | hello\n10:04:31 api      * started (pid 7)\n');
});
