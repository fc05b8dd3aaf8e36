// The one signal wiring of up, run and the daemon: the first signal ends gracefully, every later
// one by force; SIGHUP ends too unless it means reload; `request` is a first signal from elsewhere.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { onShutdownSignals, type ShutdownHandlers } from '../../src/app/signals.js';

/** A wiring on a fake process, and what its handlers were called with. */
function wired(o: { hangup?: boolean; force?: boolean } = {}): { source: EventEmitter; calls: string[]; off(): void; request(s: NodeJS.Signals): void } {
  const source = new EventEmitter();
  const calls: string[] = [];
  const h: ShutdownHandlers = {
    graceful: (sig) => calls.push(`graceful ${sig}`),
    ...(o.force === false ? {} : { force: (sig: NodeJS.Signals) => calls.push(`force ${sig}`) }),
    ...(o.hangup ? { hangup: () => calls.push('hangup') } : {}),
  };
  const s = onShutdownSignals(h, source);
  return { source, calls, off: () => s.off(), request: (sig) => s.request(sig) };
}

describe('onShutdownSignals', () => {
  it('ends gracefully on the first of SIGINT, SIGTERM or SIGHUP and by force on every later one', () => {
    const w = wired();
    w.source.emit('SIGHUP');
    w.source.emit('SIGINT');
    w.source.emit('SIGTERM');
    assert.deepEqual(w.calls, ['graceful SIGHUP', 'force SIGINT', 'force SIGTERM']);
  });

  it('does nothing more on later signals without a forced end (the daemon)', () => {
    const w = wired({ force: false, hangup: true });
    w.source.emit('SIGTERM');
    w.source.emit('SIGINT');
    assert.deepEqual(w.calls, ['graceful SIGTERM']);
  });

  it('gives SIGHUP to `hangup` when there is one, without counting it', () => {
    const w = wired({ hangup: true });
    w.source.emit('SIGHUP');
    w.source.emit('SIGHUP');
    w.source.emit('SIGINT');
    assert.deepEqual(w.calls, ['hangup', 'hangup', 'graceful SIGINT']);
  });

  it('takes a request as the first signal, and ignores one after a signal', () => {
    const a = wired();
    a.request('SIGTERM');
    a.source.emit('SIGINT');
    assert.deepEqual(a.calls, ['graceful SIGTERM', 'force SIGINT']);
    const b = wired();
    b.source.emit('SIGINT');
    b.request('SIGTERM');
    assert.deepEqual(b.calls, ['graceful SIGINT']);
  });

  it('stops listening on off()', () => {
    const w = wired({ hangup: true });
    assert.deepEqual(
      ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => w.source.listenerCount(s)),
      [1, 1, 1],
    );
    w.off();
    assert.deepEqual(
      ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => w.source.listenerCount(s)),
      [0, 0, 0],
    );
    w.source.emit('SIGINT');
    assert.deepEqual(w.calls, []);
  });
});
