// The watch scheduler on a manual clock: bursts, trailing edges, the one queued run, closing.
// No files, no processes, no real timers: every figure is exact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../helpers/manual-clock.js';
import { RuleScheduler, type RunRequest } from '../../src/watch/debounce.js';

// A scheduler whose runs are recorded with the time they started.
function setup(debounceMs = 150) {
  const clock = new ManualClock();
  const runs: (RunRequest & { at: number })[] = [];
  const s = new RuleScheduler({ clock, debounceMs, onRun: (r) => runs.push({ ...r, at: clock.now() }) });
  return { clock, runs, s };
}

describe('RuleScheduler', () => {
  it('gives one run for a burst of 1,000 changes, after the debounce', () => {
    const { clock, runs, s } = setup(150);
    for (let i = 0; i < 1000; i++) {
      s.change([`src/f${i}.ts`]);
      if (i % 10 === 0) clock.advance(1);
    }
    assert.equal(runs.length, 0);
    clock.advance(1000);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.paths.length, 1000);
    assert.equal(runs[0]?.initial, false);
  });

  it('runs on the trailing edge: debounce after the last change, not the first', () => {
    const { clock, runs, s } = setup(150);
    s.change(['a']);
    clock.advance(100);
    s.change(['b']);
    clock.advance(100);
    s.change(['a']);
    clock.advance(149);
    assert.equal(runs.length, 0);
    clock.advance(1);
    assert.deepEqual(runs, [{ paths: ['a', 'b'], initial: false, at: 350 }]);
  });

  it('keeps one timer per burst however many changes arrive', () => {
    const { clock, s } = setup(150);
    for (let i = 0; i < 100; i++) s.change([`f${i}`]);
    assert.equal(clock.pending(), 1);
  });

  it('gives two runs for changes further apart than the debounce', () => {
    const { clock, runs, s } = setup(100);
    s.change(['a']);
    clock.advance(100);
    s.finished();
    clock.advance(50);
    s.change(['b']);
    clock.advance(100);
    assert.deepEqual(
      runs.map((r) => [r.paths, r.at]),
      [
        [['a'], 100],
        [['b'], 250],
      ],
    );
  });

  it('queues exactly one more run for any number of changes during a run', () => {
    const { clock, runs, s } = setup(100);
    s.change(['a']);
    clock.advance(100);
    assert.equal(s.state, 'running');
    for (let i = 0; i < 50; i++) {
      s.change([`during${i % 5}`]);
      clock.advance(20);
    }
    assert.equal(runs.length, 1, 'never two runs at once');
    assert.equal(s.state, 'queued');
    clock.advance(100);
    assert.equal(runs.length, 1, 'still running: the queued run waits for it');
    s.finished();
    assert.equal(runs.length, 2, 'the last change is older than the debounce: run at once');
    assert.deepEqual(runs[1]?.paths, ['during0', 'during1', 'during2', 'during3', 'during4']);
    s.finished();
    clock.advance(10_000);
    assert.equal(runs.length, 2);
    assert.equal(s.state, 'idle');
  });

  it('waits for the debounce after a run when the last change is recent', () => {
    const { clock, runs, s } = setup(100);
    s.change(['a']);
    clock.advance(100);
    clock.advance(500);
    s.change(['b']);
    clock.advance(30);
    s.finished();
    assert.equal(runs.length, 1);
    assert.equal(s.state, 'waiting');
    clock.advance(69);
    assert.equal(runs.length, 1);
    clock.advance(1);
    assert.deepEqual(
      runs.map((r) => r.at),
      [100, 700],
    );
  });

  it('runs at once when asked (the initial run), and queues changes behind it', () => {
    const { clock, runs, s } = setup(100);
    s.runNow(true);
    assert.deepEqual(runs, [{ paths: [], initial: true, at: 0 }]);
    s.change(['a']);
    s.runNow(true);
    assert.equal(runs.length, 1);
    s.finished();
    assert.deepEqual(runs[1], { paths: ['a'], initial: true, at: 0 });
    s.finished();
    clock.advance(1000);
    assert.equal(runs.length, 2);
  });

  it('runs with a zero debounce on the next timer tick', () => {
    const { clock, runs, s } = setup(0);
    s.change(['a']);
    s.change(['b']);
    assert.equal(runs.length, 0);
    clock.advance(0);
    assert.equal(runs.length, 1);
  });

  it('starts nothing after close, and leaves no timer', () => {
    const { clock, runs, s } = setup(100);
    s.change(['a']);
    s.close();
    assert.equal(clock.pending(), 0);
    s.change(['b']);
    s.runNow();
    clock.advance(1000);
    assert.equal(runs.length, 0);
    assert.equal(s.state, 'closed');
  });

  it('drops the queued run when closed during a run', () => {
    const { clock, runs, s } = setup(100);
    s.change(['a']);
    clock.advance(100);
    s.change(['b']);
    s.close();
    s.finished();
    clock.advance(1000);
    assert.equal(runs.length, 1);
    assert.equal(s.runs, 1);
  });
});
