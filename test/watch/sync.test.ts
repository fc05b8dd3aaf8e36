// `sync: DEST` on real files: copies with relative paths, folders made, deletions mirrored
// (folders too), whole files only (temporary name, then rename), nothing left behind.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { syncChanges } from '../../src/watch/sync.js';
import { tempTree, write } from './support.js';

// Every file under `dir`, relative, sorted.
function listing(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listing(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

describe('syncChanges', () => {
  it('copies created and changed files with their relative paths, making folders', async () => {
    const dir = tempTree({ 'src/a.txt': 'A', 'src/deep/er/b.txt': 'B', 'src/skip.txt': 'not listed' });
    const to = join(dir, 'out/mirror');
    const result = await syncChanges({ from: dir, to, paths: ['src/a.txt', 'src/deep/er/b.txt'] });
    assert.deepEqual(result, { copied: 2, removed: 0 });
    assert.deepEqual(listing(to), ['src/a.txt', 'src/deep/er/b.txt']);
    assert.equal(readFileSync(join(to, 'src/deep/er/b.txt'), 'utf8'), 'B');
    write(dir, 'src/a.txt', 'A2');
    await syncChanges({ from: dir, to, paths: ['src/a.txt'] });
    assert.equal(readFileSync(join(to, 'src/a.txt'), 'utf8'), 'A2');
  });

  it('mirrors deletions, and drops mirrored folders whose source folder is gone', async () => {
    const dir = tempTree({ 'src/a.txt': 'A', 'src/old/x.txt': 'X', 'src/old/y.txt': 'Y', 'src/keep/k.txt': 'K' });
    const to = join(dir, 'mirror');
    await syncChanges({ from: dir, to, paths: ['src/a.txt', 'src/old/x.txt', 'src/old/y.txt', 'src/keep/k.txt'] });
    unlinkSync(join(dir, 'src/a.txt'));
    rmSync(join(dir, 'src/old'), { recursive: true });
    const result = await syncChanges({ from: dir, to, paths: ['src/a.txt', 'src/old/x.txt', 'src/old/y.txt'] });
    assert.equal(result.removed, 3);
    assert.deepEqual(listing(to), ['src/keep/k.txt']);
    assert.equal(existsSync(join(to, 'src/old')), false);
  });

  it('follows what the source is now: added then deleted within one burst is deleted', async () => {
    const dir = tempTree({ 'src/a.txt': 'A' });
    const to = join(dir, 'mirror');
    await syncChanges({ from: dir, to, paths: ['src/a.txt'] });
    unlinkSync(join(dir, 'src/a.txt'));
    mkdirSync(join(dir, 'src/newdir'));
    await syncChanges({ from: dir, to, paths: ['src/a.txt', 'src/never.txt', 'src/newdir'] });
    assert.deepEqual(listing(to), []);
    assert.equal(statSync(join(to, 'src/newdir')).isDirectory(), true);
  });

  it('leaves no temporary file behind and replaces files whole', async () => {
    const big = 'x'.repeat(4 << 20);
    const dir = tempTree({ 'src/big.bin': big, 'src/small.txt': 's' });
    const to = join(dir, 'mirror');
    write(to, 'src/big.bin', 'old');
    const inode = statSync(join(to, 'src/big.bin')).ino;
    await syncChanges({ from: dir, to, paths: ['src/big.bin', 'src/small.txt'] });
    assert.deepEqual(listing(to), ['src/big.bin', 'src/small.txt']);
    assert.notEqual(statSync(join(to, 'src/big.bin')).ino, inode, 'renamed into place, not rewritten in place');
    assert.equal(readFileSync(join(to, 'src/big.bin'), 'utf8').length, big.length);
  });

  it('skips paths that lead out of the rule folder', async () => {
    const dir = tempTree({ 'src/a.txt': 'A' });
    const to = join(dir, 'mirror');
    const result = await syncChanges({ from: join(dir, 'src'), to, paths: ['../src/a.txt', '/etc/passwd', 'a.txt'] });
    assert.deepEqual(result, { copied: 1, removed: 0 });
    assert.deepEqual(listing(to), ['a.txt']);
  });

  it('copies 1,000 files in one call', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) files[`src/d${i % 20}/f${i}.txt`] = String(i);
    const dir = tempTree(files);
    const to = join(dir, 'mirror');
    const result = await syncChanges({ from: dir, to, paths: Object.keys(files) });
    assert.equal(result.copied, 1000);
    assert.equal(listing(to).length, 1000);
  });
});
