// The renderers' fast path: a batch of plain lines is written from the unit's bytes, with the
// same result as rendering its text, and any batch the text path would change goes that way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { OutputBatch } from '../../src/events/types.js';
import { forgetLastBatch, plainBytes, prefixLines } from '../../src/output/line-bytes.js';
import { BytePool, outputPool } from '../../src/output/byte-pool.js';
import { PrefixRenderer } from '../../src/output/prefix.js';
import { UnitLogSink } from '../../src/output/unit-log.js';

const NOW = Date.UTC(2025, 4, 1, 10, 4, 31, 123);

/** A Writable that keeps every chunk as given, Buffer or string. */
class Chunks extends Writable {
  readonly chunks: (string | Buffer)[] = [];
  constructor() {
    super({ decodeStrings: false });
  }
  override _write(chunk: string | Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(chunk);
    cb();
  }
  text(): string {
    return this.chunks.map((c) => (typeof c === 'string' ? c : c.toString('utf8'))).join('');
  }
}

/** The batch with its text's bytes, as the line splitter gives a plain pipe's lines. */
function withBytes(batch: OutputBatch): OutputBatch {
  return { ...batch, bytes: Buffer.from(batch.text) };
}

const BATCHES: OutputBatch[] = [
  { unit: 'api', stream: 'stdout', text: 'ready\nlistening on :3000\n' },
  { unit: 'worker', stream: 'stderr', text: 'warn: café ✓ 世界\n' },
  { unit: 'pipe', stream: 'stderr', step: 1, text: 'grep: x\n\n\ttabbed\n' },
  { unit: 'api', stream: 'stdout', text: '\x1b[32mgreen\x1b[0m\n' },
  { unit: 'api', stream: 'stdout', text: 'progress 10%\rprogress 100%\n' },
  { unit: 'api', stream: 'stdout', text: 'no newline' },
];

void test('prefixLines puts the prefix before every line, in one Buffer', () => {
  assert.equal(prefixLines(Buffer.from('a\nbb\n\nc\n'), Buffer.from('> ')).bytes.toString(), '> a\n> bb\n> \n> c\n');
  assert.equal(prefixLines(Buffer.from('é\n'), Buffer.from('ü| ')).bytes.toString(), 'ü| é\n');
  assert.equal(prefixLines(Buffer.alloc(0), Buffer.from('x')).bytes.length, 0);
  // A long prefix (the log file's time and stream), and the same lines again with another prefix.
  const lines = Buffer.from('one\ntwo\n');
  assert.equal(
    prefixLines(lines, Buffer.from('2026-12-03T14:31:01.572Z out ')).bytes.toString(),
    '2026-12-03T14:31:01.572Z out one\n2026-12-03T14:31:01.572Z out two\n',
  );
  assert.equal(prefixLines(lines, Buffer.from('p | ')).bytes.toString(), 'p | one\np | two\n');
  assert.throws(() => prefixLines(Buffer.from('a\nb'), Buffer.from('> ')), RangeError, 'a last line without its newline');
});

void test('prefixLines agrees with a line-by-line join for every line length and prefix length, at any offset in its memory', () => {
  // Word-at-a-time copying: lines of 1 to 13 bytes put the newline at each place in a word, the
  // prefixes of 0 to 33 bytes end at each place in a word, and an input that starts at an odd
  // offset of a larger buffer checks the reads; bytes 0x0a + 0x80 … near a newline check the
  // arithmetic that finds it (0x0b, 0x8a and 0x09 sit one bit away from a newline).
  let seed = 7;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const nearNewline = [0x0b, 0x09, 0x8a, 0x0a ^ 0x80, 0xff, 0x00, 0x01, 0x7f];
  for (let round = 0; round < 60; round++) {
    const lines: number[][] = [];
    for (let n = next(40) + 1; n > 0; n--) {
      const body: number[] = [];
      for (let k = next(13); k > 0; k--) body.push(next(3) === 0 ? (nearNewline[next(nearNewline.length)] as number) : 0x41 + next(26));
      lines.push(body);
    }
    const joined = Buffer.from(lines.flatMap((l) => [...l, 0x0a]));
    const shift = next(7);
    const backing = Buffer.alloc(joined.length + shift + 5, 0x0a);
    joined.copy(backing, shift);
    const input = backing.subarray(shift, shift + joined.length);
    const prefix = Buffer.from('2026-12-03T14:31:01.572Z out err:2 '.slice(0, round % 34));
    const want = Buffer.concat(lines.map((l) => Buffer.concat([prefix, Buffer.from(l), Buffer.from('\n')])));
    forgetLastBatch();
    const got = prefixLines(input, prefix);
    assert.equal(got.bytes.length, want.length, `round ${round}: length`);
    assert.ok(got.bytes.equals(want), `round ${round}: ${JSON.stringify(got.bytes.toString('latin1'))}`);
    got.release();
  }
});

void test('a pool gives its buffers out again once released, keeps at most its limit, and lets go on clear', () => {
  const pool = new BytePool(256 * 1024);
  // 100,000 bytes come in a buffer of 128 KiB (sizes are rounded up to 64 KiB).
  const a = pool.take(100_000);
  assert.equal(a.bytes.length, 100_000);
  a.bytes.fill(1);
  a.release();
  a.release();
  assert.equal(pool.pooled, 128 * 1024, 'one buffer of 128 KiB kept, released twice or not');
  const b = pool.take(70_000);
  assert.ok(b.bytes.buffer === a.bytes.buffer, 'the same memory again');
  const c = pool.take(70_000);
  assert.ok(c.bytes.buffer !== b.bytes.buffer, 'a buffer in use is not given twice');
  const d = pool.take(200_000);
  b.release();
  c.release();
  d.release();
  assert.equal(pool.pooled, 256 * 1024, 'the limit: the 256 KiB buffer was not kept beside the two others');
  pool.clear();
  assert.equal(pool.pooled, 0);
  const roomy = new BytePool(4 * 1024 * 1024);
  const large = roomy.take(1_000_000);
  large.release();
  const small = roomy.take(40_000);
  assert.ok(small.bytes.buffer !== large.bytes.buffer, 'a buffer over twice the size asked is left for a larger batch');
  const fits = roomy.take(600_000);
  assert.ok(fits.bytes.buffer === large.bytes.buffer, 'any size that fits is taken, not only the same size');
  const lines = prefixLines(Buffer.from('x\n'.repeat(20_000)), Buffer.from('> '), pool);
  assert.equal(lines.bytes.toString(), '> x\n'.repeat(20_000));
});

void test('the terminal and the log files give their buffers back once written', async () => {
  const pool = outputPool;
  pool.clear();
  const big: OutputBatch = withBytes({ unit: 'api', stream: 'stdout', text: 'a line of output\n'.repeat(5000) });
  const out = new Chunks();
  new PrefixRenderer(out, { names: ['api'], now: () => NOW }).write(big);
  await new Promise((r) => setImmediate(r));
  assert.ok(pool.pooled > 0, 'written to the terminal, back in the pool');
  pool.clear();
  const dir = await mkdtemp(join(tmpdir(), 'procs-bytes-'));
  const log = new UnitLogSink(dir, { now: () => NOW });
  log.write(big);
  assert.equal(pool.pooled, 0, 'not back before it is written');
  await log.flushed();
  assert.ok(pool.pooled > 0, 'written to the log file, back in the pool');
  await log.close();
  pool.clear();
});

void test('plainBytes answers once per batch for the terminal and the log file, until the last batch is let go of', () => {
  const batch = { unit: 'api', stream: 'stdout', text: 'a\n', bytes: Buffer.from('a\n') } as { -readonly [K in keyof OutputBatch]: OutputBatch[K] };
  const first = plainBytes(batch);
  assert.ok(first);
  // The same batch asked again gets the same answer, without a second look at it.
  batch.bytes = Buffer.from('changed\n');
  assert.equal(plainBytes(batch), first);
  forgetLastBatch();
  assert.equal(plainBytes(batch), undefined, 'looked at again once forgotten: its bytes are not its text now');
});

void test('plainBytes takes only bytes the text path would write unchanged', () => {
  assert.ok(plainBytes(withBytes(BATCHES[0] as OutputBatch)));
  assert.ok(plainBytes(withBytes(BATCHES[1] as OutputBatch)), 'multi-byte text');
  assert.equal(plainBytes(BATCHES[0] as OutputBatch), undefined, 'no bytes given');
  assert.equal(plainBytes(withBytes(BATCHES[3] as OutputBatch)), undefined, 'colours: closed or dropped per line');
  assert.equal(plainBytes(withBytes(BATCHES[4] as OutputBatch)), undefined, 'a carriage return is played out');
  assert.equal(plainBytes(withBytes(BATCHES[5] as OutputBatch)), undefined, 'a line without its newline is completed');
  assert.equal(plainBytes({ ...(BATCHES[0] as OutputBatch), bytes: Buffer.from('other\n') }), undefined, 'bytes of another text');
});

for (const color of [false, true]) {
  void test(`the terminal gets the same lines from bytes as from text${color ? ', in colour' : ''}; plain batches go as Buffers`, () => {
    const names = ['api', 'worker', 'pipe'];
    const fromText = new Chunks();
    const fromBytes = new Chunks();
    const a = new PrefixRenderer(fromText, { names, color, now: () => NOW });
    const b = new PrefixRenderer(fromBytes, { names, color, now: () => NOW });
    for (const batch of BATCHES) {
      a.write(batch);
      b.write(withBytes(batch));
    }
    assert.equal(fromBytes.text(), fromText.text());
    assert.deepEqual(
      fromBytes.chunks.map((c) => typeof c),
      ['object', 'object', 'object', 'string', 'string', 'string'],
      'plain batches written from their bytes, the others rendered',
    );
  });
}

void test('a log file gets the same lines from bytes as from text, hooks included', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'procs-bytes-'));
  const hook: OutputBatch = { unit: 'api:post_start', stream: 'stdout', text: 'seeded\n' };
  const fromText = new UnitLogSink(join(dir, 'a'), { now: () => NOW });
  const fromBytes = new UnitLogSink(join(dir, 'b'), { now: () => NOW });
  for (const batch of [...BATCHES, hook]) {
    fromText.write(batch);
    fromBytes.write(withBytes(batch));
  }
  await Promise.all([fromText.close(), fromBytes.close()]);
  for (const unit of ['api', 'worker', 'pipe']) {
    const want = await readFile(join(dir, 'a', `${unit}.log`), 'utf8');
    assert.equal(await readFile(join(dir, 'b', `${unit}.log`), 'utf8'), want, unit);
  }
  assert.match(await readFile(join(dir, 'b', 'api.log'), 'utf8'), /^\S+Z out \[post_start\] seeded$/m);
  assert.ok(fromBytes.renderBytes(withBytes(BATCHES[0] as OutputBatch))?.bytes instanceof Buffer, 'plain lines rendered from bytes');
});
