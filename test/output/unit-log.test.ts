import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnitLogSink, parseLogLine, readLogTail } from '../../src/output/unit-log.js';
import { Collector, produce } from './support.js';
import { PrefixRenderer } from '../../src/output/prefix.js';
import { FanOut } from '../../src/output/fanout.js';

const NOW = Date.UTC(2025, 4, 1, 10, 4, 31, 123);

/** A fresh logs folder under a fresh `.procs`. */
async function logsDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'procs-ulog-')), '.procs', 'logs');
}

void test('lines are `TS out|err|err:N text`; the file appears on the first line', async () => {
  const dir = await logsDir();
  const sink = new UnitLogSink(dir, { now: () => NOW });
  await assert.rejects(stat(dir));
  sink.write({ unit: 'api', stream: 'stdout', text: 'hello\nworld' });
  sink.write({ unit: 'api', stream: 'stderr', text: 'warn\n' });
  sink.write({ unit: 'api', stream: 'stderr', step: 1, text: 'grep: x\n' });
  await sink.close();
  assert.equal(
    await readFile(join(dir, 'api.log'), 'utf8'),
    '2025-05-01T10:04:31.123Z out hello\n2025-05-01T10:04:31.123Z out world\n' + '2025-05-01T10:04:31.123Z err warn\n2025-05-01T10:04:31.123Z err:2 grep: x\n',
  );
  assert.deepEqual(parseLogLine('2025-05-01T10:04:31.123Z err:2 grep: x'), {
    ts: '2025-05-01T10:04:31.123Z',
    stream: 'stderr',
    step: 1,
    text: 'grep: x',
  });
  assert.deepEqual(parseLogLine('not a log line'), { ts: '', stream: 'stdout', text: 'not a log line' });
});

void test('rotation at max_size keeps `keep` files, drops the oldest, never splits a line', async () => {
  const dir = await logsDir();
  const sink = new UnitLogSink(dir, { now: () => NOW, limits: () => ({ maxSizeBytes: 300, keep: 2 }) });
  // Each line is 24 + 5 + 6 = 35 bytes ("TS out lineNN\n" with two-digit NN): 8 fit in 300.
  for (let i = 10; i < 60; i++) {
    sink.write({ unit: 'w', stream: 'stdout', text: `line${i}\n` });
    if (i % 7 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  await sink.close();
  assert.deepEqual((await readdir(dir)).sort(), ['w.log', 'w.log.1', 'w.log.2']);
  const texts = await Promise.all(['w.log.2', 'w.log.1', 'w.log'].map((f) => readFile(join(dir, f), 'utf8')));
  for (const t of texts) {
    assert.ok(Buffer.byteLength(t) <= 300, `file of ${Buffer.byteLength(t)} bytes`);
    assert.ok(t.endsWith('\n'));
  }
  const numbers = texts
    .join('')
    .trim()
    .split('\n')
    .map((l) => Number(parseLogLine(l).text.slice(4)));
  assert.deepEqual(
    numbers,
    Array.from({ length: numbers.length }, (_, k) => 60 - numbers.length + k),
  );
  assert.ok(numbers.length >= 16 && numbers.length <= 24);
});

void test('a batch bigger than max_size is spread over files at line boundaries', async () => {
  const dir = await logsDir();
  const sink = new UnitLogSink(dir, { now: () => NOW, limits: () => ({ maxSizeBytes: 100, keep: 5 }) });
  let text = '';
  for (let i = 10; i < 20; i++) text += `line${i}\n`;
  sink.write({ unit: 'w', stream: 'stdout', text });
  await sink.close();
  const tail = await readLogTail(dir, 'w', 100);
  assert.deepEqual(
    tail.map((l) => l.text),
    Array.from({ length: 10 }, (_, k) => `line${10 + k}`),
  );
  assert.equal((await readdir(dir)).length, 5, 'two 35-byte lines per 100-byte file');
});

void test('readLogTail returns the last n lines across rotated files, oldest first', async () => {
  const dir = await logsDir();
  const sink = new UnitLogSink(dir, { now: () => NOW, limits: () => ({ maxSizeBytes: 200, keep: 3 }) });
  for (let i = 10; i < 40; i++) sink.write({ unit: 'api', stream: i % 2 ? 'stderr' : 'stdout', text: `line${i}\n` });
  await sink.close();
  const last7 = await readLogTail(dir, 'api', 7);
  assert.deepEqual(
    last7.map((l) => l.text),
    ['line33', 'line34', 'line35', 'line36', 'line37', 'line38', 'line39'],
  );
  assert.equal(last7[0]?.stream, 'stderr');
  assert.equal(last7[1]?.stream, 'stdout');
  const all = await readLogTail(dir, 'api', 1000);
  assert.equal(all.at(-1)?.text, 'line39');
  assert.deepEqual(await readLogTail(dir, 'missing', 5), []);
});

void test('readLogTail reads a large file from its end', async () => {
  const dir = await logsDir();
  const sink = new UnitLogSink(dir, { now: () => NOW, limits: () => ({ maxSizeBytes: 0, keep: 0 }) });
  let text = '';
  for (let i = 0; i < 50_000; i++) text += `line ${i} ${'é'.repeat(i % 7)}\n`;
  sink.write({ unit: 'big', stream: 'stdout', text });
  await sink.close();
  const tail = await readLogTail(dir, 'big', 3);
  assert.deepEqual(
    tail.map((l) => l.text),
    [49_997, 49_998, 49_999].map((i) => `line ${i} ${'é'.repeat(i % 7)}`),
  );
});

void test('a disk problem is reported once and the terminal output is unaffected', async () => {
  const errors: string[] = [];
  const logs = new UnitLogSink('/dev/null/x/logs', { onError: (e, unit) => errors.push(`${unit}:${(e as NodeJS.ErrnoException).code}`) });
  const out = new Collector();
  const fan = new FanOut([new PrefixRenderer(out, { names: ['a', 'b'] }), logs]);
  const batches = ['a', 'b'].flatMap((unit) => Array.from({ length: 50 }, (_, i) => ({ unit, stream: 'stdout' as const, text: `${i}\n` })));
  await produce(fan, batches);
  await logs.close();
  assert.equal(errors.length, 1);
  // Either unit's file may fail first: the folder is created by whichever write runs first.
  assert.match(errors[0] ?? '', /^[ab]:ENOTDIR$/);
  assert.equal(out.text().split('\n').length - 1, 100);
});

void test('readLogTail with a start time keeps the lines from then on, across rotated files and in a large file', async () => {
  const dir = await logsDir();
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const sink = new UnitLogSink(dir, { now: () => clock, limits: () => ({ maxSizeBytes: 400, keep: 5 }) });
  for (let i = 0; i < 40; i++) {
    clock += 1000; // line i is stamped i+1 seconds after midnight
    sink.write({ unit: 'api', stream: 'stdout', text: `line${i}\n` });
  }
  await sink.close();
  // One file larger than a read chunk: the lines before the start time are not kept.
  const unrotated = new UnitLogSink(dir, { now: () => clock, limits: () => ({ maxSizeBytes: 0, keep: 0 }) });
  let big = '';
  for (let i = 0; i < 20_000; i++) big += `bulk ${i}\n`;
  unrotated.write({ unit: 'big', stream: 'stdout', text: 'first\n' });
  clock += 60_000;
  unrotated.write({ unit: 'big', stream: 'stdout', text: big });
  await unrotated.close();
  const since = Date.parse('2026-01-01T00:00:30.000Z');
  const texts = async (n: number, unit = 'api', at = since): Promise<string[]> => (await readLogTail(dir, unit, n, undefined, at)).map((l) => l.text);
  assert.deepEqual(
    await texts(Infinity),
    Array.from({ length: 11 }, (_, k) => `line${29 + k}`),
  );
  assert.deepEqual(await texts(2), ['line38', 'line39']);
  assert.deepEqual(await texts(Infinity, 'api', Date.parse('2026-01-02T00:00:00.000Z')), []);
  assert.equal((await texts(Infinity, 'api', 0)).length, 40);
  const bulk = await texts(Infinity, 'big', clock - 1000);
  assert.equal(bulk.length, 20_000);
  assert.deepEqual([bulk[0], bulk.at(-1)], ['bulk 0', 'bulk 19999']);
});

void test('log lines keep colours but not carriage returns, cursor moves or screen clears', async () => {
  const dir = await logsDir();
  const sink = new UnitLogSink(dir, { now: () => NOW });
  sink.write({ unit: 'bar', stream: 'stdout', text: '10%\r50%\r\x1b[32m100%\x1b[0m\nnext\x1b[2J\x1b[5A line\r\n\x1b]0;title\x07\x1b[1mbold\n' });
  await sink.close();
  assert.equal(
    await readFile(join(dir, 'bar.log'), 'utf8'),
    ['\x1b[32m100%\x1b[0m', 'next line', '\x1b[1mbold\x1b[0m'].map((t) => `2025-05-01T10:04:31.123Z out ${t}\n`).join(''),
  );
});
