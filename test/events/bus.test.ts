import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../src/events/bus.js';
import type { ProcsEvent } from '../../src/events/types.js';

const T0 = Date.UTC(2025, 4, 1, 10, 4, 31, 123);

void test('publish stamps ts when missing and keeps a given one', () => {
  const bus = new EventBus({ now: () => T0 });
  const seen: ProcsEvent[] = [];
  bus.subscribe((e) => seen.push(e));
  bus.publish({ type: 'spawn', unit: 'api', pid: 1, attempt: 1 });
  bus.publish({ type: 'ready', unit: 'api', afterMs: 5, ts: '2020-01-01T00:00:00.000Z' });
  assert.equal(seen[0]?.ts, '2025-05-01T10:04:31.123Z');
  assert.equal(seen[1]?.ts, '2020-01-01T00:00:00.000Z');
});

void test('subscribers get events in order, in subscription order, synchronously', () => {
  const bus = new EventBus();
  const log: string[] = [];
  bus.subscribe((e) => log.push(`a:${e.unit}`));
  bus.subscribe((e) => log.push(`b:${e.unit}`));
  bus.publish({ type: 'scale', unit: 'w1', replicas: 1 });
  bus.publish({ type: 'scale', unit: 'w2', replicas: 2 });
  assert.deepEqual(log, ['a:w1', 'b:w1', 'a:w2', 'b:w2']);
});

void test('unsubscribe stops delivery', () => {
  const bus = new EventBus();
  let count = 0;
  const off = bus.subscribe(() => count++);
  bus.publish({ type: 'scale', unit: 'w', replicas: 1 });
  off();
  bus.publish({ type: 'scale', unit: 'w', replicas: 1 });
  assert.equal(count, 1);
});

void test('a throwing subscriber breaks no one and is reported once', () => {
  const errors: unknown[] = [];
  const bus = new EventBus({ onError: (e) => errors.push(e) });
  const seen: string[] = [];
  bus.subscribe(() => {
    throw new Error('boom');
  });
  bus.subscribe((e) => seen.push(e.unit));
  for (const unit of ['a', 'b', 'c']) bus.publish({ type: 'scale', unit, replicas: 1 });
  assert.deepEqual(seen, ['a', 'b', 'c']);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /boom/);
});

void test('an event published from a subscriber reaches everyone after the current one', () => {
  const bus = new EventBus();
  const a: string[] = [];
  const b: string[] = [];
  bus.subscribe((e) => {
    a.push(e.unit);
    if (e.unit === 'first') bus.publish({ type: 'scale', unit: 'second', replicas: 1 });
  });
  bus.subscribe((e) => b.push(e.unit));
  bus.publish({ type: 'scale', unit: 'first', replicas: 1 });
  assert.deepEqual(a, ['first', 'second']);
  assert.deepEqual(b, ['first', 'second']);
});
