import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UnitSpec } from '../../src/config/spec.js';
import { createView, factsFromSpec } from '../../src/output/view.js';
import { Collector } from './support.js';

const TS = new Date(2025, 4, 1, 10, 4, 31).toISOString();

void test('the text view puts output and state lines in one aligned stream', () => {
  const out = new Collector();
  const view = createView({ out, names: ['api', 'worker.0'] });
  view.event({ ts: TS, type: 'spawn', unit: 'api', pid: 1, attempt: 1 });
  view.sink.write({ unit: 'api', stream: 'stdout', text: 'up\n' });
  const lines = out.text().split('\n');
  assert.match(lines[0] ?? '', /^10:04:31 api {6}\* started \(pid 1\)$/);
  assert.match(lines[1] ?? '', /^\d\d:\d\d:\d\d api {6}\| up$/);
});

void test('the JSON view writes NDJSON only', () => {
  const out = new Collector();
  const view = createView({ out, names: ['api'], json: true, color: true });
  view.event({ ts: TS, type: 'spawn', unit: 'api', pid: 1, attempt: 1 });
  view.sink.write({ unit: 'api', stream: 'stdout', text: 'up\n' });
  const types = out
    .text()
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { type: string }).type);
  assert.deepEqual(types, ['spawn', 'output']);
});

void test('facts come from the normalized spec', () => {
  const unit = {
    name: 'api',
    restart: { maxRestarts: 5 },
    stop: { signal: 'SIGTERM', timeoutMs: 10_000 },
  } as unknown as UnitSpec;
  assert.deepEqual(factsFromSpec([unit])('api'), { maxRestarts: 5, stopSignal: 'SIGTERM', stopTimeoutMs: 10_000 });
  assert.equal(factsFromSpec([unit])('other'), undefined);
});
