import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finished } from 'node:stream/promises';
import type { OutputBatch } from '../../src/events/types.js';
import { PrefixRenderer } from '../../src/output/prefix.js';
import { JsonRenderer } from '../../src/output/json.js';
import { SlowWritable, produce } from './support.js';

const UNITS = ['api', 'worker.0', 'worker.1', 'errors'];
const LINES = 100_000;

/** One unit's numbered lines in batches of varying size; the very last line has no newline. */
function batchesOf(unit: string, seed: number): OutputBatch[] {
  const batches: OutputBatch[] = [];
  let i = 0;
  let x = seed;
  while (i < LINES) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const n = Math.min(LINES - i, 1 + (x % 400));
    let text = '';
    for (let j = i; j < i + n; j++) text += `${unit} line ${j}\n`;
    i += n;
    if (i === LINES) text = text.slice(0, -1);
    batches.push({ unit, stream: x % 5 === 0 ? 'stderr' : 'stdout', text });
  }
  return batches;
}

/** The largest batch, in characters: what one producer may add after the stream is full. */
function largest(all: OutputBatch[][]): number {
  return Math.max(...all.flat().map((b) => b.text.length));
}

void test('4 × 100k lines through a slow stream: each line once, whole, in order, memory bounded', async () => {
  const out = new SlowWritable(16 * 1024);
  const renderer = new PrefixRenderer(out, { names: UNITS });
  const all = UNITS.map((u, k) => batchesOf(u, k + 1));
  await Promise.all(all.map((batches) => produce(renderer, batches)));
  await finished(out.end());

  const next = new Map(UNITS.map((u) => [u, 0]));
  const text = out.text();
  assert.ok(text.endsWith('\n'));
  const pattern = /^\d\d:\d\d:\d\d (\S+) +\| (\S+) line (\d+)$/;
  let count = 0;
  for (const line of text.slice(0, -1).split('\n')) {
    const m = pattern.exec(line);
    assert.ok(m, `broken line: ${line}`);
    const [, unit, inner, n] = m;
    assert.equal(unit, inner, `line of ${inner} labelled ${unit}`);
    assert.equal(Number(n), next.get(unit ?? ''), `order of ${unit}`);
    next.set(unit ?? '', Number(n) + 1);
    count++;
  }
  assert.equal(count, UNITS.length * LINES);
  const bound = 16 * 1024 + UNITS.length * largest(all) * 2;
  assert.ok(out.maxBuffered <= bound, `buffered ${out.maxBuffered} > ${bound}`);
});

void test('the JSON renderer keeps the same contract under backpressure', async () => {
  const out = new SlowWritable(16 * 1024);
  const renderer = new JsonRenderer(out);
  const all = UNITS.map((u, k) => batchesOf(u, k + 7).slice(0, 40));
  await Promise.all(all.map((batches) => produce(renderer, batches)));
  await finished(out.end());
  const next = new Map(UNITS.map((u) => [u, 0]));
  for (const line of out.text().slice(0, -1).split('\n')) {
    const o = JSON.parse(line) as { unit: string; text: string; type: string };
    assert.equal(o.type, 'output');
    assert.equal(o.text, `${o.unit} line ${next.get(o.unit)}`);
    next.set(o.unit, (next.get(o.unit) ?? 0) + 1);
  }
  for (const [u, batches] of UNITS.map((u, k) => [u, all[k] ?? []] as const)) {
    const expected = batches.reduce((n, b) => n + b.text.split('\n').filter(Boolean).length, 0);
    assert.equal(next.get(u), expected);
  }
});

void test('write returns false once the stream is full and onceDrain fires on drain', async () => {
  const out = new SlowWritable(64);
  const renderer = new PrefixRenderer(out, { names: ['a'] });
  assert.equal(renderer.write({ unit: 'a', stream: 'stdout', text: 'x'.repeat(100) + '\n' }), false);
  let drained = 0;
  renderer.onceDrain(() => drained++);
  renderer.onceDrain(() => drained++);
  assert.equal(out.listenerCount('drain'), 1, 'one listener however many wait');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(drained, 2);
});
