// procs' own files under `.procs/`: a planted symlink is never followed and a FIFO never blocks;
// the event log and unit logs replace such an entry with a new file and say so once; rotation
// shifts only regular files; a log rotated in place keeps other descriptors on it writing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppendFile } from '../../src/events/append-file.js';
import { EventLog } from '../../src/events/log.js';
import { NotRegularFile, openRegular, readRegularSync, READ, APPEND } from '../../src/events/regular-file.js';
import { readLogTail } from '../../src/output/log-read.js';
import { UnitLogSink } from '../../src/output/unit-log.js';

const base = mkdtempSync(join(tmpdir(), 'procs-regular-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => {
  const dir = join(base, String(n++));
  mkdirSync(dir, { recursive: true });
  return dir;
};
const fifo = (path: string): void => void execFileSync('mkfifo', [path]);

describe('regular files in .procs', () => {
  it('refuses a symlink and a FIFO at once, naming the path', async () => {
    const dir = fresh();
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'mine\n');
    symlinkSync(victim, join(dir, 'link'));
    fifo(join(dir, 'pipe'));
    for (const [name, what] of [
      ['link', /symbolic link/],
      ['pipe', /FIFO/],
    ] as const) {
      for (const flags of [READ, APPEND]) {
        await assert.rejects(
          openRegular(join(dir, name), flags),
          (e: unknown) => e instanceof NotRegularFile && what.test(e.message) && e.message.includes(join(dir, name)),
        );
      }
      assert.throws(() => readRegularSync(join(dir, name)), NotRegularFile);
    }
    assert.equal(readFileSync(victim, 'utf8'), 'mine\n');
  });

  it('the event log replaces a planted symlink instead of writing to its target, and says so once', async () => {
    const dir = fresh();
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'mine\n');
    symlinkSync(victim, join(dir, 'events.ndjson'));
    const errors: Error[] = [];
    const log = new EventLog(dir, { onError: (e) => errors.push(e) });
    log.append({ ts: new Date(0).toISOString(), unit: 'api', type: 'spawn', pid: 1, attempt: 1, state: 'running' });
    await log.close();
    assert.equal(readFileSync(victim, 'utf8'), 'mine\n');
    assert.ok(lstatSync(join(dir, 'events.ndjson')).isFile());
    assert.match(readFileSync(join(dir, 'events.ndjson'), 'utf8'), /"unit":"api"/);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /events\.ndjson is a symbolic link.*replaced/);
  });

  it('a unit log that is a FIFO is replaced, not waited on; reading one skips it', async () => {
    const dir = fresh();
    fifo(join(dir, 'api.log'));
    const skipped: string[] = [];
    assert.deepEqual(await readLogTail(dir, 'api', 10, (e) => skipped.push(e.message)), []);
    assert.match(skipped[0] ?? '', /api\.log is a FIFO/);
    const errors: string[] = [];
    const sink = new UnitLogSink(dir, { onError: (e, unit) => errors.push(`${unit}: ${e.message}`), now: () => 0 });
    sink.write({ unit: 'api', stream: 'stdout', text: 'hello\n' });
    await sink.close();
    assert.equal(readFileSync(join(dir, 'api.log'), 'utf8'), '1970-01-01T00:00:00.000Z out hello\n');
    assert.equal(errors.length, 1);
    assert.deepEqual(
      (await readLogTail(dir, 'api', 10)).map((l) => l.text),
      ['hello'],
    );
  });

  it('rotation shifts regular files only: a symlink among the rotations is dropped, its target untouched', async () => {
    const dir = fresh();
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'mine\n');
    const path = join(dir, 'u.log');
    symlinkSync(victim, `${path}.1`);
    fifo(`${path}.2`);
    const f = new AppendFile(path, { rotation: { maxBytes: 10, keep: 3 } });
    for (let i = 0; i < 4; i++) f.append(`line ${i}\n`);
    await f.close();
    assert.equal(readFileSync(victim, 'utf8'), 'mine\n');
    for (const p of [path, `${path}.1`, `${path}.2`, `${path}.3`]) if (existsSync(p)) assert.ok(lstatSync(p).isFile(), `${p} is a regular file`);
    assert.equal(readFileSync(path, 'utf8'), 'line 3\n');
    assert.equal(readFileSync(`${path}.3`, 'utf8'), 'line 0\n');
  });

  it('rotating in place keeps another descriptor on the file writing to it, and bounds it', async () => {
    const dir = fresh();
    const path = join(dir, 'procs.log');
    const f = new AppendFile(path, { rotation: { maxBytes: 100, keep: 2, inPlace: true } });
    f.append('first\n');
    await f.flushed();
    const other = openSync(path, 'a'); // as the daemon's stderr is
    for (let i = 0; i < 50; i++) {
      f.append(`line ${String(i).padStart(2, '0')} ${'x'.repeat(20)}\n`);
      await f.flushed();
    }
    writeSync(other, 'a stack trace\n');
    closeSync(other);
    await f.close();
    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('a stack trace\n'), text);
    for (const p of [path, `${path}.1`, `${path}.2`]) assert.ok(readFileSync(p).length <= 130, `${p} is bounded`);
    assert.ok(!existsSync(`${path}.3`));
    assert.match(readFileSync(`${path}.1`, 'utf8'), /^line \d\d x+\n/);
  });
});
