// The pid file as a lock: taken whole, given back only by its owner, and a stale one (a dead pid,
// a live process that is not procs, a pid reused after the file was written) broken.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { acquirePidLock, isLiveProcs, livePid } from '../../src/rundir/pidlock.js';

const base = mkdtempSync(join(tmpdir(), 'procs-lock-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(base, { recursive: true, force: true });
});

/** A live process whose command line looks like procs (`node …/cli/main.js`). */
async function fakeProcs(): Promise<number> {
  mkdirSync(join(base, 'cli'), { recursive: true });
  const main = join(base, 'cli/main.js');
  writeFileSync(main, "console.log('up'); setInterval(() => {}, 1 << 30);\n");
  const child = spawn(process.execPath, [main], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  await new Promise((resolve) => child.stdout?.once('data', resolve));
  return child.pid ?? 0;
}

describe('pid lock', () => {
  it('is taken once, held against others, and removed by its owner only', async () => {
    const file = join(base, 'a.pid');
    const owner = await fakeProcs();
    const lock = acquirePidLock(file, owner);
    assert.equal(lock.kind, 'acquired');
    assert.equal(readFileSync(file, 'utf8'), `${owner}\n`);
    assert.deepEqual(acquirePidLock(file, 4242), { kind: 'held', pid: owner });
    assert.equal(livePid(file), owner);
    if (lock.kind === 'acquired') lock.release();
    assert.ok(!existsSync(file));
  });

  it('breaks a stale lock: a dead pid, a process that is not procs, garbage', () => {
    const file = join(base, 'b.pid');
    const dead = Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout);
    for (const content of [`${dead}\n`, `${process.pid}\n`, 'not a pid\n', '']) {
      writeFileSync(file, content);
      assert.equal(livePid(file), undefined, JSON.stringify(content));
      const lock = acquirePidLock(file, 777);
      assert.equal(lock.kind, 'acquired', JSON.stringify(content));
      assert.equal(readFileSync(file, 'utf8'), '777\n');
      if (lock.kind === 'acquired') lock.release();
    }
  });

  it('treats a procs pid that started after its pid file was written as reused', async () => {
    const file = join(base, 'c.pid');
    const pid = await fakeProcs();
    writeFileSync(file, `${pid}\n`);
    assert.equal(isLiveProcs(pid, Date.now()), true);
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(file, hourAgo, hourAgo);
    assert.equal(livePid(file), undefined);
    assert.equal(acquirePidLock(file, 778).kind, 'acquired');
  });

  it('refuses a pid file that is a FIFO or a symlink, naming it, and never writes through a planted link', () => {
    const dir = join(base, 'odd');
    mkdirSync(dir);
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'mine\n');
    execFileSync('mkfifo', [join(dir, 'fifo.pid')]);
    symlinkSync(victim, join(dir, 'link.pid'));
    assert.throws(() => acquirePidLock(join(dir, 'fifo.pid'), 779), /fifo\.pid is a FIFO/);
    assert.throws(() => acquirePidLock(join(dir, 'link.pid'), 779), /link\.pid is a symbolic link/);
    // The temporary file's name is predictable: a link planted there is replaced, not followed.
    symlinkSync(victim, join(dir, 'ok.pid.780.0.tmp'));
    const lock = acquirePidLock(join(dir, 'ok.pid'), 780);
    assert.equal(lock.kind, 'acquired');
    assert.equal(readFileSync(victim, 'utf8'), 'mine\n');
    assert.equal(readFileSync(join(dir, 'ok.pid'), 'utf8'), '780\n');
  });
});
