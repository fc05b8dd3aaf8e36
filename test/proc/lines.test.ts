import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { LineSplitter, MAX_LINE_BYTES, pumpLines } from '../../src/proc/lines.js';
import { waitFor } from '../helpers/processes.js';
import { CollectingSink, GatedSink } from '../helpers/sink.js';

// Feeds chunks through a splitter and gives every emitted text, the end's included.
function split(chunks: (string | Buffer)[], max?: number): string[] {
  const s = new LineSplitter(max);
  const out: string[] = [];
  for (const c of chunks) {
    const t = s.push(typeof c === 'string' ? Buffer.from(c) : c);
    if (t !== undefined) out.push(t.toString());
  }
  const t = s.end();
  if (t !== undefined) out.push(t);
  return out;
}

describe('LineSplitter', () => {
  it('gives all complete lines of a chunk as one string and keeps the tail', () => {
    assert.deepEqual(split(['a\nb\nc', 'd\n']), ['a\nb\n', 'cd\n']);
  });

  it('completes a last line without newline at the end', () => {
    assert.deepEqual(split(['x\nlast']), ['x\n', 'last\n']);
    assert.deepEqual(split(['']), []);
  });

  it('keeps multi-byte UTF-8 whole when a chunk boundary splits it', () => {
    const bytes = Buffer.from('héllo → 世界\n');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    assert.deepEqual(split(chunks).join(''), 'héllo → 世界\n');
  });

  it('emits an over-long line in pieces at UTF-8 boundaries instead of holding it', () => {
    const out = split(['€€€€', 'x\n'], 5);
    assert.deepEqual(out, ['€\n€\n€\n', '€x\n']);
    assert.equal(MAX_LINE_BYTES, 1024 * 1024);
  });

  it('bounds memory for a stream that never sends a newline', () => {
    const s = new LineSplitter();
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let emitted = 0;
    for (let i = 0; i < 40; i++) emitted += s.push(chunk)?.length ?? 0;
    assert.ok(emitted >= 2 * MAX_LINE_BYTES, `emitted ${emitted}`);
  });

  it('gives the bytes read when they are valid UTF-8, else text', () => {
    const s = new LineSplitter(8);
    const a = s.push(Buffer.from('a\nb'));
    assert.ok(Buffer.isBuffer(a), 'whole lines as the bytes read');
    assert.equal(a.toString(), 'a\n');
    const joined = s.push(Buffer.from('é\nc'));
    assert.ok(Buffer.isBuffer(joined), 'a line held from the chunk before, joined');
    assert.equal(joined.toString(), 'bé\n');
    assert.equal(s.push(Buffer.from('d')), undefined);
    assert.equal(s.push(Buffer.from([0x66, 0xff, 0x0a])), 'cdf\uFFFD\n', 'invalid UTF-8 reads as U+FFFD: text, not the bytes');
    const digits = s.push(Buffer.from('0123456789\nx'));
    assert.ok(Buffer.isBuffer(digits));
    assert.equal(digits.toString(), '0123456789\n');
    assert.equal(s.push(Buffer.from('\n0123456789')), 'x\n01234567\n', 'a piece of an over-long line gets a newline the unit did not write: text');
    assert.equal(s.end(), '89\n', 'the last line is completed with a newline: text');
  });

  it('leaves carriage returns alone', () => {
    assert.deepEqual(split(['a\r\nb\r\n']), ['a\r\nb\r\n']);
  });
});

describe('pumpLines', () => {
  it('writes batches tagged with unit, stream and step, then the tail', async () => {
    const sink = new CollectingSink();
    const stream = new PassThrough();
    const done = pumpLines(stream, sink, { unit: 'u', stream: 'stderr', step: 2 });
    stream.write('one\ntw');
    stream.end('o');
    await done;
    assert.deepEqual(sink.batches, [
      { unit: 'u', stream: 'stderr', text: 'one\n', step: 2, bytes: Buffer.from('one\n') },
      { unit: 'u', stream: 'stderr', text: 'two\n', step: 2 },
    ]);
  });

  it('stops reading while the sink is full and reads on after drain', async () => {
    const sink = new GatedSink(1);
    const stream = new PassThrough();
    const done = pumpLines(stream, sink, { unit: 'u', stream: 'stdout' });
    stream.write('a\n');
    await waitFor(() => sink.waiting === 1, 'a paused producer');
    stream.write('b\n');
    await new Promise((r) => setImmediate(r));
    assert.equal(sink.text(), 'a\n', 'nothing read while full');
    assert.equal(stream.readableLength, 2);
    let finished = false;
    void done.then(() => (finished = true));
    stream.end('c\n');
    while (!finished) {
      sink.drain();
      await waitFor(() => sink.waiting > 0 || finished, 'the next refusal or the end');
    }
    assert.equal(sink.text(), 'a\nb\nc\n');
  });
});
