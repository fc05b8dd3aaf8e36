import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutputBatch } from '../../src/events/types.js';
import { FanOut } from '../../src/output/fanout.js';
import type { OutputSink } from '../../src/events/sink.js';
import { TailBuffer } from '../../src/output/tail.js';
import { UnitLogSink } from '../../src/output/unit-log.js';
import { LiveOutput } from '../../src/app/live.js';

/** A sink that says "full" until `drain()` is called. */
class Gate implements OutputSink {
  full = false;
  got: string[] = [];
  #waiting: (() => void)[] = [];

  write(batch: OutputBatch): boolean {
    this.got.push(batch.text);
    return !this.full;
  }

  onceDrain(fn: () => void): void {
    if (this.full) this.#waiting.push(fn);
    else queueMicrotask(fn);
  }

  drain(): void {
    this.full = false;
    const w = this.#waiting;
    this.#waiting = [];
    w.forEach((fn) => fn());
  }
}

const b = (text: string): OutputBatch => ({ unit: 'u', stream: 'stdout', text });

void test('fan-out writes to every sink and waits for all saturated ones', async () => {
  const s1 = new Gate();
  const s2 = new Gate();
  const s3 = new Gate();
  const fan = new FanOut([s1, s2, s3]);
  assert.equal(fan.write(b('1\n')), true);
  s1.full = true;
  s2.full = true;
  assert.equal(fan.write(b('2\n')), false);
  let drained = false;
  fan.onceDrain(() => (drained = true));
  s1.drain();
  await Promise.resolve();
  assert.equal(drained, false, 'one sink is still full');
  s2.drain();
  assert.equal(drained, true);
  assert.deepEqual(s3.got, ['1\n', '2\n']);
});

void test('fan-out onceDrain with nothing saturated fires soon', async () => {
  const fan = new FanOut([new Gate()]);
  await new Promise<void>((resolve) => fan.onceDrain(resolve));
});

void test('the tail keeps the last N lines per unit, oldest first', () => {
  const tail = new TailBuffer(3);
  assert.equal(tail.write({ unit: 'a', stream: 'stdout', text: '1\n2\n' }), true);
  tail.write({ unit: 'b', stream: 'stdout', text: 'x\n' });
  tail.write({ unit: 'a', stream: 'stderr', text: '3\n4' });
  assert.deepEqual(tail.lines('a'), [
    { stream: 'stdout', text: '2' },
    { stream: 'stderr', text: '3' },
    { stream: 'stderr', text: '4' },
  ]);
  assert.deepEqual(
    tail.lines('b').map((l) => l.text),
    ['x'],
  );
  assert.deepEqual(tail.lines('none'), []);
  tail.forget('a');
  assert.deepEqual(tail.lines('a'), []);
});

void test('the tail handles empty lines and huge batches cheaply', () => {
  const tail = new TailBuffer();
  tail.write({ unit: 'a', stream: 'stdout', text: '\n\nz\n' });
  assert.deepEqual(
    tail.lines('a').map((l) => l.text),
    ['', '', 'z'],
  );
  const text = Array.from({ length: 200_000 }, (_, i) => `${i}\n`).join('');
  // The best of five writes, each into a fresh tail: one write may lose the CPU for a while on
  // a loaded machine, five in a row do not.
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const fresh = new TailBuffer();
    const t0 = performance.now();
    fresh.write({ unit: 'a', stream: 'stdout', text });
    best = Math.min(best, performance.now() - t0);
  }
  assert.ok(best < 25, `only the last lines are looked at (best of five writes: ${best.toFixed(1)} ms)`);
  tail.write({ unit: 'a', stream: 'stdout', text });
  assert.deepEqual(
    tail.lines('a').map((l) => l.text),
    Array.from({ length: 20 }, (_, k) => String(199_980 + k)),
  );
});

void test('a sink that fills up while a producer already waits is waited for too (shared fan-out)', async () => {
  const s1 = new Gate();
  const s2 = new Gate();
  const fan = new FanOut([s1, s2]);
  // Producer A fills s1 and waits.
  s1.full = true;
  assert.equal(fan.write(b('a\n')), false);
  let aResumed = 0;
  fan.onceDrain(() => aResumed++);
  // Producer B, sharing the fan-out, fills s2 as well and waits.
  s2.full = true;
  assert.equal(fan.write(b('b\n')), false);
  let bResumed = 0;
  fan.onceDrain(() => bResumed++);
  s1.drain();
  await new Promise((r) => setImmediate(r));
  assert.equal(aResumed + bResumed, 0, 's2 is still full');
  s2.drain();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual([aResumed, bResumed], [1, 1], 'both producers resume once every sink has room');
});

void test('nested groups: a second file filling up under a shared unit-log sink still releases everyone', async () => {
  const f1 = new Gate();
  const f2 = new Gate();
  // Like UnitLogSink (one group over every unit's file) inside the project's fan-out.
  const inner = new FanOut([f1, f2]);
  const outer = new FanOut([inner]);
  f1.full = true;
  assert.equal(outer.write(b('1\n')), false);
  let resumed = 0;
  outer.onceDrain(() => resumed++);
  f2.full = true;
  assert.equal(outer.write(b('2\n')), false);
  outer.onceDrain(() => resumed++);
  f1.drain();
  f2.drain();
  await new Promise((r) => setImmediate(r));
  assert.equal(resumed, 2);
});

void test('the tail keeps lines as a terminal shows them, without escapes: they are shown in messages', () => {
  const tail = new TailBuffer(5);
  tail.write({ unit: 'api', stream: 'stdout', text: 'a\x1b[2Jb\r\n10%\r\x1b[31m100%\x1b[0m\n\x1b]0;t\x07plain\n' });
  assert.deepEqual(
    tail.lines('api').map((l) => l.text),
    ['ab', '100%', 'plain'],
  );
});

void test('fan-out stamps a batch once: the log file and a follower give a line the same time', () => {
  const logs = new UnitLogSink('/nonexistent', { now: () => Date.parse('2026-01-01T00:00:09.000Z') });
  const lines: string[] = [];
  const file: OutputSink = { write: (batch) => (lines.push(logs.render(batch)), true), onceDrain: (fn) => queueMicrotask(fn) };
  const live = new LiveOutput();
  const followed: string[] = [];
  live.subscribe((x) => followed.push(x.ts));
  const fan = new FanOut([file, live], () => Date.parse('2026-01-01T00:00:01.234Z'));
  fan.write(b('one\n'));
  fan.write({ ...b('two\n'), at: Date.parse('2026-01-01T00:00:00.500Z') });
  assert.deepEqual(lines, ['2026-01-01T00:00:01.234Z out one\n', '2026-01-01T00:00:00.500Z out two\n']);
  assert.deepEqual(followed, ['2026-01-01T00:00:01.234Z', '2026-01-01T00:00:00.500Z']);
});
