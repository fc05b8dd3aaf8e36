import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { AppendFile } from '../../src/events/append-file.js';
import { EventLog } from '../../src/events/log.js';
import type { ProcsEvent } from '../../src/events/types.js';

const run = promisify(execFile);

/** A scale event numbered `i`, with a payload to make lines long. */
function ev(i: number, pad = 0): ProcsEvent {
  return { ts: new Date(0).toISOString(), unit: `u${i}`, type: 'reload', actions: ['x'.repeat(pad)], state: 'running' };
}

void test('every event is one JSON line, in order; .procs is created with mode 0700', async () => {
  const root = await mkdtemp(join(tmpdir(), 'procs-log-'));
  const dir = join(root, '.procs');
  const errors: Error[] = [];
  const log = new EventLog(dir, { onError: (e) => errors.push(e) });
  for (let i = 0; i < 10_000; i++) log.append(ev(i));
  await log.close();
  const lines = (await readFile(log.path, 'utf8')).split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 10_000);
  lines.forEach((line, i) => assert.equal((JSON.parse(line) as ProcsEvent).unit, `u${i}`));
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.deepEqual(errors, []);
});

void test('appending 10k events takes little time on the event loop', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'procs-log-')), '.procs');
  const log = new EventLog(dir);
  const t0 = performance.now();
  for (let i = 0; i < 10_000; i++) log.append(ev(i, 100));
  const ms = performance.now() - t0;
  await log.close();
  assert.ok(ms < 500, `appending took ${ms}ms`);
});

void test('an unwritable folder is reported once, nothing is thrown, appends go on', async () => {
  const errors: Error[] = [];
  const log = new EventLog('/dev/null/x/.procs', { onError: (e) => errors.push(e) });
  for (let i = 0; i < 100; i++) {
    log.append(ev(i));
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  await log.close();
  assert.equal(errors.length, 1);
  assert.match((errors[0] as NodeJS.ErrnoException).code ?? '', /ENOTDIR|EACCES|EEXIST/);
});

void test('a file size limit (EFBIG) leaves only whole lines and is reported once', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'procs-log-')), '.procs');
  const child = fileURLToPath(new URL('./log-child.js', import.meta.url));
  const node = process.execPath;
  const { stdout } = await run('/bin/sh', ['-c', `ulimit -f 8 && exec "${node}" "${child}" "${dir}"`]);
  const report = JSON.parse(stdout) as { errors: string[]; threw: boolean };
  assert.equal(report.threw, false);
  assert.deepEqual(report.errors, ['EFBIG']);
  const text = await readFile(join(dir, 'events.ndjson'), 'utf8');
  assert.ok(text.length > 0 && text.length <= 8 * 512);
  assert.ok(text.endsWith('\n'), 'the file ends with a whole line');
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => assert.equal((JSON.parse(line) as ProcsEvent).unit, `u${i}`));
});

void test('lines appended as Buffers, in one writev, stop at a file size limit (EFBIG) on a whole line', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'procs-log-')), '.procs');
  const child = fileURLToPath(new URL('./log-child.js', import.meta.url));
  const { stdout } = await run('/bin/sh', ['-c', `ulimit -f 8 && exec "${process.execPath}" "${child}" "${dir}" bytes`]);
  const report = JSON.parse(stdout) as { errors: string[]; threw: boolean };
  assert.equal(report.threw, false);
  assert.deepEqual(report.errors, ['EFBIG']);
  const text = await readFile(join(dir, 'out.log'), 'utf8');
  assert.ok(text.length > 0 && text.length <= 8 * 512);
  assert.ok(text.endsWith('\n'), 'the file ends with a whole line');
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => assert.equal(line, `line ${Math.floor(i / 3)}.${i % 3} ${'y'.repeat(Math.floor(i / 3) % 50)}`));
});

void test('a producer paused on a full queue goes on once the write loop has taken the queue, before the write is done', async () => {
  const path = join(await mkdtemp(join(tmpdir(), 'procs-log-')), 'out.log');
  const file = new AppendFile(path, { highWaterMark: 1000 });
  assert.equal(file.append(Buffer.from(`${'x'.repeat(1999)}\n`)), false, 'past the high-water mark');
  let sizeAtDrain = -1;
  file.onceDrain(() => (sizeAtDrain = existsSync(path) ? statSync(path).size : 0));
  await file.flushed();
  assert.equal(sizeAtDrain, 0, 'the producer went on while the write was in flight');
  await file.close();
  assert.equal((await readFile(path, 'utf8')).length, 2000);
});

void test('a full disk (ENOSPC, /dev/full) is reported once and appends never throw', async () => {
  const errors: string[] = [];
  const file = new AppendFile('/dev/full', { onError: (e) => errors.push((e as NodeJS.ErrnoException).code ?? '') });
  for (let i = 0; i < 50; i++) {
    assert.equal(file.append(`line ${i}\n`), true);
    await new Promise((r) => setImmediate(r));
  }
  await file.close();
  assert.deepEqual(errors, ['ENOSPC']);
});

void test('flushed() resolves once what was appended before is in the file, even while appends go on', async () => {
  const path = join(await mkdtemp(join(tmpdir(), 'procs-log-')), 'u.log');
  const file = new AppendFile(path);
  for (let i = 0; i < 2000; i++) file.append(`line ${i}\n`);
  const flushed = file.flushed();
  // A writer that never pauses: flushed() must not wait for the queue to run empty.
  let writing = true;
  const more = (async () => {
    for (let i = 0; writing; i++) {
      file.append(`later ${i}\n`);
      await new Promise((r) => setImmediate(r));
    }
  })();
  await flushed;
  const lines = (await readFile(path, 'utf8')).split('\n');
  writing = false;
  await more;
  assert.deepEqual(
    lines.slice(0, 2000),
    Array.from({ length: 2000 }, (_, i) => `line ${i}`),
  );
  await file.close();
  await file.flushed(); // nothing left: at once
});

void test('flushed() resolves after a write that failed, which is reported', async () => {
  const errors: string[] = [];
  const file = new AppendFile('/dev/full', { onError: (e) => errors.push((e as NodeJS.ErrnoException).code ?? '') });
  file.append('line\n');
  await file.flushed();
  assert.deepEqual(errors, ['ENOSPC']);
  await file.close();
});

void test('the event log rotates by size, keeping three older files', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'procs-log-')), '.procs');
  const log = new EventLog(dir, { rotation: { maxBytes: 2000, keep: 3 } });
  for (let i = 0; i < 200; i++) log.append(ev(i, 20));
  await log.close();
  for (const suffix of ['', '.1', '.2', '.3']) assert.ok((await stat(log.path + suffix)).size <= 2000, `events.ndjson${suffix} is bounded`);
  await assert.rejects(stat(`${log.path}.4`));
  const last = (await readFile(log.path, 'utf8')).trimEnd().split('\n').pop() ?? '';
  assert.equal((JSON.parse(last) as ProcsEvent).unit, 'u199');
});
