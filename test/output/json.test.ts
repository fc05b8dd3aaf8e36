import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonRenderer } from '../../src/output/json.js';
import { Collector } from './support.js';

const NOW = Date.UTC(2025, 4, 1, 10, 4, 31, 5);

void test('each output line is one object; a last line without newline is included', () => {
  const out = new Collector();
  const r = new JsonRenderer(out, { now: () => NOW });
  r.write({ unit: 'api', stream: 'stdout', text: 'a "quoted"\n\ttab\nlast' });
  r.write({ unit: 'errors', stream: 'stderr', step: 1, text: 'oops\n' });
  assert.equal(out.chunks.length, 2, 'one write per batch');
  const lines = out.text().split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l) as unknown),
    [
      { ts: '2025-05-01T10:04:31.005Z', unit: 'api', type: 'output', stream: 'stdout', text: 'a "quoted"' },
      { ts: '2025-05-01T10:04:31.005Z', unit: 'api', type: 'output', stream: 'stdout', text: '\ttab' },
      { ts: '2025-05-01T10:04:31.005Z', unit: 'api', type: 'output', stream: 'stdout', text: 'last' },
      { ts: '2025-05-01T10:04:31.005Z', unit: 'errors', type: 'output', stream: 'stderr', step: 1, text: 'oops' },
    ],
  );
});

void test('events are written as they are, one per line, between output lines', () => {
  const out = new Collector();
  const r = new JsonRenderer(out, { now: () => NOW });
  r.event({ ts: 'T', type: 'spawn', unit: 'api', pid: 1, attempt: 1, state: 'running' });
  r.write({ unit: 'api', stream: 'stdout', text: 'hi\n' });
  r.event({ ts: 'T', type: 'exit', unit: 'api', exit: { code: 0, signal: null, status: 0, durationMs: 1 } });
  const types = out
    .text()
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { type: string }).type);
  assert.deepEqual(types, ['spawn', 'output', 'exit']);
  assert.ok(!out.text().includes('\x1b'));
});

void test('empty lines are kept as empty texts', () => {
  const out = new Collector();
  new JsonRenderer(out, { now: () => NOW }).write({ unit: 'a', stream: 'stdout', text: '\n\n' });
  assert.deepEqual(
    out
      .text()
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text),
    ['', ''],
  );
});
