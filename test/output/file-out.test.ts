import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileOut, fileStdout, type WriteFd } from '../../src/output/file-out.js';
import { PrefixRenderer } from '../../src/output/prefix.js';
import { numberedBatches } from './support.js';

const NOW = new Date(2025, 4, 1, 10, 4, 31).getTime();

/** A file descriptor's writes kept in memory, each finishing on a later turn of the event loop. */
function recorder(short = false): { write: WriteFd; calls: number; bytes: () => string } {
  const parts: Buffer[] = [];
  const r = {
    calls: 0,
    write: ((_fd, data, done) => {
      r.calls++;
      const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.isBuffer(data) ? data : Buffer.concat(data);
      // A short write takes half (a full disk, a signal), the rest must follow.
      const n = short && buf.length > 1 ? buf.length >> 1 : buf.length;
      parts.push(buf.subarray(0, n));
      setImmediate(() => done(null, n));
    }) as WriteFd,
    bytes: () => Buffer.concat(parts).toString('utf8'),
  };
  return r;
}

void test('many batches rendered in one turn become a few write calls, in order, all there after finish', async () => {
  const rec = recorder();
  const out = new FileOut(9, { write: rec.write });
  const r = new PrefixRenderer(out, { names: ['api', 'web'], now: () => NOW });
  const api = numberedBatches('api', 20_000, 10);
  const web = numberedBatches('web', 20_000, 10);
  for (let i = 0; i < api.length; i++) {
    r.write(api[i] ?? { unit: 'api', stream: 'stdout', text: '' });
    r.write(web[i] ?? { unit: 'web', stream: 'stdout', text: '' });
  }
  await out.finish();
  // 4,000 batches of 10 lines: the first write goes out alone, everything after it waits and
  // goes in one more: write calls follow the writes in flight, not the batches or the lines.
  assert.ok(rec.calls <= 3, `${rec.calls} write calls for 4,000 batches`);
  const lines = rec.bytes().split('\n');
  assert.equal(lines.length, 40_001);
  let nextApi = 0;
  let nextWeb = 0;
  for (const line of lines.slice(0, -1)) {
    const m = /^10:04:31 (api|web) \| (api|web) line (\d+)$/.exec(line);
    assert.ok(m, `a broken line: ${line}`);
    if (m[1] === 'api') assert.equal(Number(m[3]), nextApi++);
    else assert.equal(Number(m[3]), nextWeb++);
  }
  assert.deepEqual([nextApi, nextWeb], [20_000, 20_000]);
});

void test('a short write continues with the bytes left, multi-byte text included', async () => {
  const rec = recorder(true);
  const out = new FileOut(9, { write: rec.write });
  const text = Array.from({ length: 500 }, (_, i) => `ligne ${i} — café ✓\n`).join('');
  out.write(text.slice(0, 5000));
  out.write(text.slice(5000));
  await out.finish();
  assert.equal(rec.bytes(), text);
});

void test('writes that wait past the high-water mark ask the producer to pause; drain comes after', async () => {
  const rec = recorder();
  const out = new FileOut(9, { write: rec.write, highWaterMark: 1024 });
  let ok = true;
  let written = 0;
  for (; written < 100 && ok; written++) ok = out.write(`${'x'.repeat(99)}\n`);
  assert.equal(ok, false);
  assert.ok(written < 100, 'never asked to pause');
  await new Promise<void>((resolve) => out.once('drain', resolve));
  await out.finish();
  assert.equal(rec.bytes().length, written * 100);
});

void test('a regular file is written through, complete after finish; a pipe or terminal is not taken', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'procs-file-out-'));
  try {
    const path = join(dir, 'out.log');
    const fd = openSync(path, 'w');
    const out = fileStdout(fd);
    assert.ok(out);
    for (let i = 0; i < 10_000; i++) out.write(`line ${i}\n`);
    await out.finish();
    closeSync(fd);
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.length, 10_001);
    assert.equal(lines[9_999], 'line 9999');
    assert.equal(fileStdout(-1), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('Buffers that waited go out in one writev, in order, a short write going on mid-Buffer', async () => {
  for (const short of [false, true]) {
    const rec = recorder(short);
    const kinds: string[] = [];
    const write: WriteFd = (fd, data, done) => {
      kinds.push(typeof data === 'string' ? 'string' : Buffer.isBuffer(data) ? 'buffer' : `${data.length} buffers`);
      rec.write(fd, data, done);
    };
    const out = new FileOut(9, { write });
    const want: string[] = [];
    for (let i = 0; i < 100; i++) {
      const text = `line ${i} — ✓\n`;
      want.push(text);
      out.write(i % 10 === 5 ? text : Buffer.from(text));
    }
    await out.finish();
    assert.equal(rec.bytes(), want.join(''));
    assert.ok(kinds.includes('99 buffers'), `${kinds.join(', ')}: the 99 chunks after the first in one writev`);
  }
});
