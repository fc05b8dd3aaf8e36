// Batches made from a unit's bytes: their text is the bytes' decoding, made only when asked for,
// and the whole output path (fan-out, terminal, log file, last lines, held-back startup output)
// carries a plain pipe's lines without decoding them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { batchSize, bytesAreText, bytesBatch, isEmptyBatch, withTime } from '../../src/events/batch.js';
import type { OutputBatch } from '../../src/events/types.js';
import type { OutputSink } from '../../src/events/sink.js';
import { FanOut } from '../../src/output/fanout.js';
import { forgetLastBatch } from '../../src/output/line-bytes.js';
import { PrefixRenderer } from '../../src/output/prefix.js';
import { TailBuffer } from '../../src/output/tail.js';
import { UnitLogSink } from '../../src/output/unit-log.js';
import { pumpLines } from '../../src/proc/lines.js';

/** Counts decodings of at least `min` bytes to text (Buffer#toString) while `fn` runs. */
function decodings(min: number, fn: () => void): number {
  const proto = Buffer.prototype as unknown as { toString: (this: Buffer, encoding?: string, start?: number, end?: number) => string };
  const saved = proto.toString;
  let count = 0;
  proto.toString = function (this: Buffer, encoding?: string, start = 0, end = this.length): string {
    if (Math.min(end, this.length) - start >= min) count++;
    return saved.call(this, encoding, start, end);
  };
  try {
    fn();
  } finally {
    proto.toString = saved;
  }
  return count;
}

void test('a batch made from bytes gives their decoding as its text, also when spread or given a time', () => {
  const bytes = Buffer.from('café ✓\n世界\n');
  const batch = bytesBatch({ unit: 'api', stream: 'stderr', step: 1 }, bytes);
  assert.equal(batch.text, 'café ✓\n世界\n');
  assert.equal(batch.step, 1);
  assert.equal(batch.at, undefined);
  assert.ok(bytesAreText(batch));
  const spread = { ...batch };
  assert.equal(spread.text, 'café ✓\n世界\n', 'a spread copy has the text');
  assert.equal(bytesAreText(spread), false, 'a copy may have another text: its bytes no longer stand for it');
  const stamped = withTime(batch, 42);
  assert.deepEqual({ ...stamped }, { unit: 'api', stream: 'stderr', step: 1, at: 42, text: 'café ✓\n世界\n', bytes });
  assert.ok(bytesAreText(stamped), 'stays lazy');
  assert.equal(batchSize(stamped), bytes.length);
  assert.equal(isEmptyBatch(stamped), false);
  const plain: OutputBatch = { unit: 'api', stream: 'stdout', text: '' };
  assert.equal(isEmptyBatch(plain), true);
  assert.deepEqual(withTime(plain, 7), { unit: 'api', stream: 'stdout', text: '', at: 7 });
  assert.equal((JSON.parse(JSON.stringify(bytesBatch({ unit: 'a', stream: 'stdout' }, Buffer.from('x\n')))) as OutputBatch).text, 'x\n');
});

void test('the last-lines ring takes a batch made from bytes like its text, at every edge', () => {
  const cases = ['\n', '\n\nz\n', 'one\n', 'a\nb\nc\nd\ne\n', '\na\n', 'é\n\n✓\n'];
  for (const text of cases) {
    for (const size of [1, 2, 3, 20]) {
      const fromText = new TailBuffer(size);
      const fromBytes = new TailBuffer(size);
      fromText.write({ unit: 'u', stream: 'stdout', text });
      fromBytes.write(bytesBatch({ unit: 'u', stream: 'stdout' }, Buffer.from(text)));
      assert.deepEqual(fromBytes.lines('u'), fromText.lines('u'), `${JSON.stringify(text)} with ${size} lines kept`);
    }
  }
});

void test('a plain pipe reaches the terminal, the log file and the last lines without its batches being decoded', async () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} café\n`).join('');
  const stream = new PassThrough();
  const got: OutputBatch[] = [];
  const collect: OutputSink = { write: (batch) => (got.push(batch), true), onceDrain: (fn) => fn() };
  const pumped = pumpLines(stream, collect, { unit: 'api', stream: 'stdout' });
  stream.end(lines);
  await pumped;
  assert.ok(
    got.every((b) => bytesAreText(b)),
    'the pipe gave batches of bytes',
  );

  const shown: Buffer[] = [];
  const terminal = new Writable({
    write(chunk: Buffer, _enc, cb) {
      shown.push(chunk);
      cb();
    },
  });
  const renderer = new PrefixRenderer(terminal, { names: ['api'], now: () => Date.UTC(2026, 0, 1, 10, 0, 0) });
  const logs = new UnitLogSink('/nonexistent', { now: () => Date.UTC(2026, 0, 1, 10, 0, 0) });
  const logged: (Buffer | string)[] = [];
  const logFile: OutputSink = {
    write: (batch) => {
      logged.push(logs.renderBytes(batch)?.bytes ?? logs.render(batch));
      return true;
    },
    onceDrain: (fn) => fn(),
  };
  const tail = new TailBuffer(3);
  const fan = new FanOut([renderer, logFile, tail], () => Date.UTC(2026, 0, 1, 10, 0, 0));
  forgetLastBatch();
  const decoded = decodings(1024, () => {
    for (const batch of got) fan.write(batch);
  });
  assert.equal(decoded, 0, 'no batch was decoded whole on its way');
  await new Promise((resolve) => setImmediate(resolve));
  const text = Buffer.concat(shown).toString();
  assert.equal(text.split('\n').length - 1, 20_000);
  assert.ok(text.startsWith('10:00:00 api | line 0 café\n'), text.slice(0, 40));
  assert.equal(logged.map(String).join('').split('\n')[19_999], '2026-01-01T10:00:00.000Z out line 19999 café');
  assert.deepEqual(
    tail.lines('api').map((l) => l.text),
    ['line 19997 café', 'line 19998 café', 'line 19999 café'],
  );
});
