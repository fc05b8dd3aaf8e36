// The real clock with delays Node's timers cannot take: 2^31 ms and more (they would fire after
// 1 ms), and an infinite one; its wall clock.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { realClock } from '../../src/base/clock.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Which of the timers set with these delays fire before a 50 ms timer set after them does. */
async function firedWithin50ms(delays: readonly number[]): Promise<number[]> {
  const fired: number[] = [];
  const handles = delays.map((ms) => realClock.setTimer(ms, () => fired.push(ms)));
  await new Promise<void>((resolve) => realClock.setTimer(50, resolve));
  handles.forEach((h) => h.cancel());
  return fired;
}

it('does not fire a timer of 2^31 ms or more early, nor an infinite one', async () => {
  assert.deepEqual(await firedWithin50ms([MAX_TIMER_MS + 1, 2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER, Infinity]), []);
});

it('still fires short timers, and a negative or NaN delay at once', async () => {
  assert.deepEqual((await firedWithin50ms([0, 5, -1, NaN])).sort(), [-1, 0, 5, NaN].sort());
});

it('reads wall-clock time as epoch milliseconds', () => {
  const before = Date.now();
  const wall = realClock.wallNow();
  assert.ok(wall >= before && wall <= Date.now(), `${wall} is not between ${before} and now`);
});
