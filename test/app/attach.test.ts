// The pieces of `procs up` attached to a running project: the one-key question on Ctrl-C (raw
// mode on while asked, always off after), how its units ended for the summary, where startup rows
// begin for units found up, and the output held back before the view opens or while asking.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { ask, choiceOf, type KeyInput } from '../../src/app/attach-prompt.js';
import { AttachedOutcomes } from '../../src/app/attach-outcome.js';
import { HeldOutput, presetStep, type Screen } from '../../src/app/attach-screen.js';
import type { LiveBatch, UnitRow } from '../../src/control/api.js';
import type { ProcsEvent } from '../../src/events/types.js';
import { processUnit, sh } from '../helpers/units.js';

/** A keyboard that records its raw mode and whether it is read. */
class FakeKeys extends EventEmitter implements KeyInput {
  readonly isTTY = true;
  readonly modes: boolean[] = [];
  reading = false;
  setRawMode(mode: boolean): this {
    this.modes.push(mode);
    return this;
  }
  resume(): this {
    this.reading = true;
    return this;
  }
  pause(): this {
    this.reading = false;
    return this;
  }
  type(keys: string): void {
    this.emit('data', Buffer.from(keys));
  }
}

function said(out: PassThrough): string {
  return String(out.read() ?? '');
}

const row = (over: Partial<UnitRow>): UnitRow => ({
  name: 'api',
  kind: 'process',
  pool: null,
  state: 'running',
  pid: 42,
  restarts: 0,
  started_at: null,
  exit: { code: null, signal: null },
  health: { readiness: null, liveness: null },
  reason: null,
  ...over,
});

const ev = (e: Record<string, unknown>): ProcsEvent => ({ ts: '2026-01-01T00:00:00.000Z', ...e }) as ProcsEvent;

describe('the question on Ctrl-C', () => {
  it('maps keys: s and Ctrl-C stop; d, Enter and Ctrl-D detach; others answer nothing', () => {
    assert.deepEqual(['s', 'S', '\x03', 'd', 'D', '\r', '\n', '\x04', 'x', ' ', 'q'].map(choiceOf), [
      'stop',
      'stop',
      'stop',
      'detach',
      'detach',
      'detach',
      'detach',
      'detach',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads one key in raw mode, ignores escape sequences, and restores the terminal', async () => {
    const keys = new FakeKeys();
    const out = new PassThrough();
    const q = ask(keys, out, 'stop or detach? ');
    assert.deepEqual(keys.modes, [true]);
    assert.equal(keys.reading, true);
    keys.type('\x1b[D'); // the left arrow holds a D: not an answer
    keys.type('x');
    keys.type('s');
    assert.equal(await q.answer, 'stop');
    assert.equal(said(out), 'stop or detach? stop\n');
    assert.deepEqual(keys.modes, [true, false]);
    assert.equal(keys.reading, false);
    assert.equal(keys.listenerCount('data'), 0);
    keys.type('d'); // nothing listens any more
  });

  it('a second Ctrl-C stops, Enter detaches, and a cancelled question restores the terminal too', async () => {
    for (const [key, choice] of [
      ['\x03', 'stop'],
      ['\r', 'detach'],
    ] as const) {
      const keys = new FakeKeys();
      const q = ask(keys, new PassThrough(), '? ');
      keys.type(key);
      assert.equal(await q.answer, choice);
      assert.deepEqual(keys.modes, [true, false]);
    }
    const keys = new FakeKeys();
    const out = new PassThrough();
    const q = ask(keys, out, '? ');
    q.cancel('detach');
    assert.equal(await q.answer, 'detach');
    assert.deepEqual(keys.modes, [true, false]);
    assert.equal(said(out), '? \n');
  });
});

describe('how the units of an attached project ended', () => {
  it('follows the rows and events: failed with its exit, stopped, restarts counted', () => {
    const o = new AttachedOutcomes();
    o.adopt([row({ name: 'web' }), row({ name: 'api' }), row({ name: 'rule', kind: 'watch' })]);
    o.event(ev({ type: 'exit', unit: 'api', state: 'backoff', exit: { code: 1, signal: null, status: 1, durationMs: 5 } }));
    o.event(ev({ type: 'backoff', unit: 'api', state: 'backoff', delayMs: 100, attempt: 1 }));
    o.event(ev({ type: 'exit', unit: 'api', state: 'failed', exit: { code: 1, signal: null, status: 1, durationMs: 5 } }));
    o.event(ev({ type: 'failed', unit: 'api', state: 'failed', reason: 'exited with code 1' }));
    assert.equal(o.allEnded(), false, 'web still runs');
    assert.equal(o.stopReason, undefined);
    o.event(ev({ type: 'stop', unit: 'procs', state: 'stopping', reason: 'down requested' }));
    o.event(ev({ type: 'stop', unit: 'web', state: 'stopped', reason: 'down requested' }));
    assert.equal(o.allEnded(), true);
    assert.equal(o.stopRequested, true);
    assert.equal(o.allGood(), false);
    assert.deepEqual(
      o.outcome().map((u) => [u.name, u.state, u.exit?.code ?? null, u.restarts]),
      [
        ['web', 'stopped', null, 0],
        ['api', 'failed', 1, 1],
      ],
    );
  });

  it('a stop for a failure is not a requested one', () => {
    const o = new AttachedOutcomes();
    o.event(ev({ type: 'stop', unit: 'procs', state: 'stopping', reason: 'api failed' }));
    o.event(ev({ type: 'stop', unit: 'procs', state: 'stopping', reason: 'SIGINT received' }));
    assert.equal(o.stopReason, 'api failed');
    assert.equal(o.stopRequested, false);
  });
});

describe('startup rows of units found running', () => {
  const unit = processUnit('api', sh('true'));
  const probe = {
    check: { kind: 'log', pattern: 'x', display: 'x' },
    intervalMs: 1,
    timeoutMs: 1,
    initialDelayMs: 0,
    failureThreshold: 1,
    successThreshold: 1,
  } as const;
  const ready = processUnit('api', sh('true'), { health: { readiness: probe } });

  it('are done when up or completed, under way otherwise', () => {
    const now = Date.parse('2026-01-01T00:01:00Z');
    assert.deepEqual(presetStep(row({ started_at: '2026-01-01T00:00:00Z' }), unit, now), { kind: 'ok', text: 'api  running (pid 42), up 1m' });
    assert.deepEqual(presetStep(row({ state: 'completed', pid: null }), unit, now), { kind: 'ok', text: 'api  completed' });
    assert.deepEqual(presetStep(row({}), ready, now), { kind: 'progress', text: 'running (pid 42), not ready yet' });
    assert.deepEqual(presetStep(row({ state: 'ready' }), ready, now), { kind: 'ok', text: 'api  ready (pid 42)' });
    assert.equal(presetStep(row({ state: 'pending', pid: null }), unit, now), undefined);
    assert.deepEqual(presetStep(row({ state: 'backoff', pid: null }), unit, now), { kind: 'progress', text: 'backoff' });
  });
});

describe('output held back', () => {
  const batch = (text: string): LiveBatch => ({ ts: '2026-01-01T00:00:00.000Z', unit: 'api', stream: 'stdout', text });

  it('keeps the order until the screen opens, drops what the filter says was shown, and holds while asking', () => {
    const seen: string[] = [];
    const screen: Screen = { event: (e) => seen.push(`event ${e.type}`), batch: (b) => seen.push(`batch ${b.text.trim()}`) };
    const held = new HeldOutput();
    held.batch(batch('one\n'));
    held.event(ev({ type: 'ready', unit: 'api', afterMs: 1 }));
    held.batch(batch('two\n'));
    assert.deepEqual(seen, []);
    held.open(
      screen,
      (b) => (b.text === 'one\n' ? undefined : b),
      () => assert.fail('nothing dropped'),
    );
    assert.deepEqual(seen, ['event ready', 'batch two']);
    held.hold();
    held.batch(batch('three\n'));
    assert.deepEqual(seen, ['event ready', 'batch two']);
    held.release();
    held.batch(batch('four\n'));
    assert.deepEqual(seen, ['event ready', 'batch two', 'batch three', 'batch four']);
  });

  it('counts what it cannot keep and says it once released', () => {
    const held = new HeldOutput();
    const big = 'x'.repeat(1024 * 1024) + '\n';
    for (let i = 0; i < 9; i++) held.batch(batch(big));
    held.batch(batch('a\nb\n'));
    const dropped: number[] = [];
    let shown = 0;
    held.open(
      { event: () => undefined, batch: () => shown++ },
      (b) => b,
      (n) => dropped.push(n),
    );
    assert.equal(shown, 8, 'kept up to 8 MiB');
    assert.deepEqual(dropped, [3], 'the ninth batch and the last two lines');
  });
});
