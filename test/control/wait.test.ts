// `--wait`: the verdict on a status, and the wait itself driven by a fake project's events.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControlApi, Feed, UnitRow } from '../../src/control/api.js';
import { judge, oneShotNamed, SETTLE_MS, waitForUnits, type WaitVerdict } from '../../src/app/wait.js';
import type { ProcsEvent } from '../../src/events/types.js';

const row = (name: string, state: UnitRow['state'], probe = false, reason: string | null = null): UnitRow => ({
  name,
  kind: 'process',
  pool: null,
  state,
  pid: null,
  restarts: 0,
  started_at: null,
  exit: { code: null, signal: null },
  health: { readiness: probe ? (state === 'ready' ? 'ok' : 'pending') : null, liveness: null },
  reason,
});

/** A project whose status is `rows` and whose events the test sends by hand. */
function fakeApi(rows: { current: UnitRow[] }): { api: ControlApi; emit: () => void } {
  let listener: ((e: ProcsEvent) => void) | undefined;
  const feed: Feed = { ready: Promise.resolve(), ended: new Promise(() => undefined), close: () => (listener = undefined) };
  const api = {
    status: async () => ({ project: 'p', root: '/p', pid: 1, pools: [], units: rows.current }),
    events: (fn: (e: ProcsEvent) => void): Feed => {
      listener = fn;
      return feed;
    },
  } as unknown as ControlApi;
  return { api, emit: () => listener?.({ ts: 't', type: 'ready', unit: 'x', afterMs: 1 }) };
}

/** The reason of a verdict that is not `ready`. */
const reasonOf = (v: WaitVerdict | undefined): string => (v && v.kind !== 'ready' ? v.reason : '');

describe('--wait', () => {
  it('judges: up when ready, running without a probe, or completed; failed, skipped or stopped end it', () => {
    assert.equal(judge([row('a', 'ready', true), row('b', 'running'), row('c', 'completed')])?.kind, 'ready');
    assert.equal(judge([row('a', 'running', true)]), undefined);
    assert.match(
      reasonOf(judge([row('a', 'backoff')])),
      /^a exited while it was waited on, and restarts$/,
      'a unit that exits fails the wait, restarting or not',
    );
    const restarted = { ...row('a', 'running'), restarts: 2, exit: { code: 3, signal: null } };
    assert.equal(judge([restarted])?.kind, 'ready', 'restarts from before the wait do not count');
    assert.equal(judge([restarted], undefined, { baseline: new Map([['a', 2]]) })?.kind, 'ready');
    assert.match(reasonOf(judge([restarted], undefined, { baseline: new Map() })), /a exited with code 3 while it was waited on/);
    assert.match(reasonOf(judge([row('a', 'running')], undefined, { seen: new Map([['a', { code: null, signal: 'SIGSEGV' }]]) })), /a exited on SIGSEGV/);
    const v = judge([row('a', 'failed', false, 'exited with code 3'), row('b', 'skipped', false, 'dependency a failed')]);
    assert.deepEqual(v, { kind: 'failed', reason: 'a failed: exited with code 3; b skipped: dependency a failed', units: ['a', 'b'] });
  });

  it('a one-shot step is up only once it has completed, however it runs meanwhile', () => {
    const oneShot = oneShotNamed(new Set(['migrate', 'seed']));
    const seed = (state: UnitRow['state']): UnitRow => ({ ...row('seed.0', state), kind: 'instance', pool: 'seed' });
    assert.equal(judge([row('web', 'running'), row('migrate', 'running')], oneShot), undefined);
    assert.equal(judge([row('web', 'running'), row('migrate', 'completed'), seed('running')], oneShot), undefined);
    assert.equal(judge([row('web', 'running'), row('migrate', 'completed'), seed('completed')], oneShot)?.kind, 'ready');
    assert.equal(judge([row('migrate', 'failed', false, 'exited with code 3')], oneShot)?.kind, 'failed');
  });

  it('waits for events until every selected unit is up', async () => {
    const rows = { current: [row('a', 'running', true), row('b', 'pending')] };
    const { api, emit } = fakeApi(rows);
    const verdict = waitForUnits(api, ['a']);
    rows.current = [row('a', 'ready', true), row('b', 'pending')];
    emit();
    assert.equal((await verdict).kind, 'ready', 'b was not selected');
  });

  it('counts a unit without a probe as up once it has run a second, so one crashing as it starts fails the wait', async () => {
    const now = Date.now();
    const since = (ms: number): UnitRow => ({ ...row('a', 'running'), started_at: new Date(now - ms).toISOString() });
    assert.equal(judge([since(200)], undefined, {}, now), undefined, 'running for 200ms: not yet');
    assert.equal(judge([since(SETTLE_MS)], undefined, {}, now)?.kind, 'ready');
    const rows: { current: UnitRow[] } = { current: [{ ...since(0), started_at: new Date().toISOString() }] };
    const { api, emit } = fakeApi(rows);
    const verdict = waitForUnits(api, []);
    await new Promise((resolve) => setImmediate(resolve)); // the first status was judged: not up yet
    rows.current = [{ ...row('a', 'backoff'), restarts: 1, exit: { code: 1, signal: null } }];
    emit();
    assert.deepEqual(await verdict, { kind: 'failed', reason: 'a exited with code 1 while it was waited on, and restarts', units: ['a'] });
    const settles = { current: [{ ...row('a', 'running'), started_at: new Date(Date.now() - SETTLE_MS + 100).toISOString() }] };
    assert.equal((await waitForUnits(fakeApi(settles).api, [])).kind, 'ready', 'once it has run long enough, without another event');
  });

  it('times out naming what is not up', async () => {
    const { api } = fakeApi({ current: [row('a', 'running', true)] });
    const v = await waitForUnits(api, [], 50);
    assert.deepEqual(v, { kind: 'timeout', reason: 'timed out after 50ms waiting for a (running, not ready)', units: ['a'] });
    const step = await waitForUnits(fakeApi({ current: [row('step', 'running')] }).api, [], 50, oneShotNamed(new Set(['step'])));
    assert.equal(step.kind === 'timeout' && step.reason, 'timed out after 50ms waiting for step (running, not completed)');
  });
});
