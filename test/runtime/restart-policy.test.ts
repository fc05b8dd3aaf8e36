import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RestartSpec } from '../../src/config/spec.js';
import type { ExitInfo } from '../../src/events/types.js';
import { backoffDelay, decideAfterExit, type EndCause, type RestartDecision } from '../../src/runtime/restart-policy.js';
import { exitInfo, spawnFailure } from '../../src/events/signals.js';
import { DEFAULT_RESTART } from '../helpers/units.js';

const code = (c: number): ExitInfo => exitInfo(c, null, 10);
const killed = exitInfo(null, 'SIGKILL', 10);
const spec = (over: Partial<RestartSpec>): RestartSpec => ({ ...DEFAULT_RESTART, ...over });

interface Case {
  readonly name: string;
  readonly restart?: Partial<RestartSpec>;
  readonly restarts?: number;
  /** How long the run stayed up, in ms. */
  readonly upMs?: number;
  readonly exit: ExitInfo;
  readonly cause?: EndCause;
  readonly expect: RestartDecision;
}

const cases: Case[] = [
  { name: 'on-failure: success completes', exit: code(0), expect: { kind: 'completed' } },
  { name: 'on-failure: failure restarts after the initial delay', exit: code(1), expect: { kind: 'restart', delayMs: 250, attempt: 1 } },
  { name: 'backoff doubles', restarts: 2, exit: code(1), expect: { kind: 'restart', delayMs: 1000, attempt: 3 } },
  { name: 'backoff is capped', restart: { maxRestarts: 50 }, restarts: 10, exit: code(1), expect: { kind: 'restart', delayMs: 30_000, attempt: 11 } },
  { name: 'a signal is a failure', exit: killed, expect: { kind: 'restart', delayMs: 250, attempt: 1 } },
  {
    name: 'past max_restarts the unit fails',
    restarts: 5,
    exit: code(1),
    expect: { kind: 'failed', reason: 'exited with code 1; gave up after 5 restarts' },
  },
  {
    name: 'past max_restarts after a signal',
    restarts: 5,
    exit: killed,
    expect: { kind: 'failed', reason: 'exited with signal SIGKILL (137); gave up after 5 restarts' },
  },
  { name: 'a long run resets the count', restarts: 5, upMs: 30_000, exit: code(1), expect: { kind: 'restart', delayMs: 250, attempt: 1 } },
  {
    name: 'a run just short of reset_after does not',
    restarts: 5,
    upMs: 29_999,
    exit: code(1),
    expect: { kind: 'failed', reason: 'exited with code 1; gave up after 5 restarts' },
  },
  { name: 'success_codes count as success', restart: { successCodes: [0, 3] }, exit: code(3), expect: { kind: 'completed' } },
  { name: 'code 0 outside success_codes is a failure', restart: { successCodes: [3] }, exit: code(0), expect: { kind: 'restart', delayMs: 250, attempt: 1 } },
  { name: 'never: success completes', restart: { policy: 'never' }, exit: code(0), expect: { kind: 'completed' } },
  { name: 'never: failure fails', restart: { policy: 'never' }, exit: code(2), expect: { kind: 'failed', reason: 'exited with code 2' } },
  { name: 'always: success restarts too', restart: { policy: 'always' }, exit: code(0), expect: { kind: 'restart', delayMs: 250, attempt: 1 } },
  {
    name: 'always is bounded by max_restarts',
    restart: { policy: 'always', maxRestarts: 2 },
    restarts: 2,
    exit: code(0),
    expect: { kind: 'failed', reason: 'exited with code 0; gave up after 2 restarts' },
  },
  { name: 'liveness restart counts as a failure even with code 0', exit: code(0), cause: 'liveness', expect: { kind: 'restart', delayMs: 250, attempt: 1 } },
  {
    name: 'liveness past the limit fails with the probe as reason',
    restarts: 5,
    exit: killed,
    cause: 'liveness',
    expect: { kind: 'failed', reason: 'liveness probe failed; gave up after 5 restarts' },
  },
  {
    name: 'never + liveness fails',
    restart: { policy: 'never' },
    exit: code(0),
    cause: 'liveness',
    expect: { kind: 'failed', reason: 'liveness probe failed' },
  },
  { name: 'a requested stop is stopped, whatever the exit', exit: killed, cause: 'stop-requested', expect: { kind: 'stopped' } },
  { name: 'a spawn failure fails at once', exit: spawnFailure('command not found: x', 127, 0), expect: { kind: 'failed', reason: 'command not found: x' } },
  {
    name: 'max_restarts 0 fails on the first failure',
    restart: { maxRestarts: 0 },
    exit: code(1),
    expect: { kind: 'failed', reason: 'exited with code 1; gave up after 0 restarts' },
  },
  {
    name: 'one restart reads singular',
    restart: { maxRestarts: 1 },
    restarts: 1,
    exit: code(1),
    expect: { kind: 'failed', reason: 'exited with code 1; gave up after 1 restart' },
  },
];

describe('decideAfterExit', () => {
  for (const c of cases) {
    it(c.name, () => {
      const startedAt = 1_000_000;
      const decision = decideAfterExit({
        restart: spec(c.restart ?? {}),
        restarts: c.restarts ?? 0,
        startedAt,
        now: startedAt + (c.upMs ?? 100),
        exit: c.exit,
        cause: c.cause ?? 'exit',
      });
      assert.deepEqual(decision, c.expect);
    });
  }

  it('backoffDelay follows initial × factor^(attempt-1), capped', () => {
    const s = spec({ backoff: { initialMs: 100, factor: 3, maxMs: 1000 } });
    assert.deepEqual(
      [1, 2, 3, 4, 500].map((a) => backoffDelay(s, a)),
      [100, 300, 900, 1000, 1000],
    );
  });
});
