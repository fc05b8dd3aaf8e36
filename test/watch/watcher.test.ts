// The chokidar watcher of one rule on real files: what it reports, what it leaves out, new
// folders, deletions and renames. Every wait is for an event, bounded only as a failure guard.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { compileMatcher } from '../../src/watch/match.js';
import { openWatcher, type ChangeKind, type WatchHandle } from '../../src/watch/watcher.js';
import { tempTree, write } from './support.js';

interface Seen {
  readonly rel: string;
  readonly kind: ChangeKind;
}

const open: WatchHandle[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

// Watches `paths` under `dir`; `until` resolves on the first change matching after now.
async function watchTree(dir: string, paths: string[], ignore: string[] = [], poll = false) {
  const seen: Seen[] = [];
  let waiters: { test: (s: Seen) => boolean; resolve: () => void }[] = [];
  const handle = await openWatcher({
    cwd: dir,
    matcher: compileMatcher({ cwd: dir, paths, ignore }),
    poll,
    onChange: (rel, kind) => {
      const s = { rel, kind };
      seen.push(s);
      waiters = waiters.filter((w) => !(w.test(s) && (w.resolve(), true)));
    },
    onError: (err) => assert.fail(err),
  });
  open.push(handle);
  await handle.ready;
  const until = (rel: string, kind?: ChangeKind): Promise<void> =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${kind ?? 'change'} of ${rel}; saw ${JSON.stringify(seen)}`)), 30_000);
      waiters.push({ test: (s) => s.rel === rel && (kind === undefined || s.kind === kind), resolve: () => (clearTimeout(t), resolve()) });
    });
  return { seen, until };
}

describe('openWatcher', () => {
  it('reports added, changed and deleted files that match, relative to the rule folder', async () => {
    const dir = tempTree({ 'src/a.ts': '1' });
    const w = await watchTree(dir, ['src/**/*.ts']);
    let next = w.until('src/b.ts', 'add');
    write(dir, 'src/b.ts', 'new');
    await next;
    next = w.until('src/a.ts', 'change');
    write(dir, 'src/a.ts', '2');
    await next;
    next = w.until('src/a.ts', 'unlink');
    unlinkSync(join(dir, 'src/a.ts'));
    await next;
  });

  it('leaves out files that no glob takes, ignored globs, node_modules, .git and hidden folders', async () => {
    const dir = tempTree({ 'src/keep.ts': '', 'src/node_modules/x/i.ts': '', 'src/.cache/c.ts': '', '.git/HEAD': '' });
    const w = await watchTree(dir, ['src/**/*.ts'], ['**/*.test.ts']);
    write(dir, 'src/a.js', 'no glob takes me');
    write(dir, 'src/a.test.ts', 'ignored');
    write(dir, 'src/node_modules/x/i.ts', 'changed');
    write(dir, 'src/.cache/c.ts', 'changed');
    write(dir, '.git/HEAD', 'changed');
    const done = w.until('src/sentinel.ts');
    write(dir, 'src/sentinel.ts', 'last');
    await done;
    assert.deepEqual(
      w.seen.map((s) => s.rel),
      ['src/sentinel.ts'],
    );
  });

  it('watches folders created after the start, nested ones too', async () => {
    const dir = tempTree({ 'src/a.ts': '' });
    const w = await watchTree(dir, ['src/**/*.ts']);
    mkdirSync(join(dir, 'src/new/deeper'), { recursive: true });
    const next = w.until('src/new/deeper/b.ts', 'add');
    write(dir, 'src/new/deeper/b.ts', 'x');
    await next;
    const later = w.until('src/new/deeper/b.ts', 'change');
    write(dir, 'src/new/deeper/b.ts', 'y');
    await later;
  });

  it('counts a rename as a deletion and an addition, and a deleted folder as its files', async () => {
    const dir = tempTree({ 'src/old.ts': 'x', 'src/gone/a.ts': '', 'src/gone/b.ts': '' });
    const w = await watchTree(dir, ['src/**/*.ts']);
    const added = w.until('src/new.ts', 'add');
    const removed = w.until('src/old.ts', 'unlink');
    renameSync(join(dir, 'src/old.ts'), join(dir, 'src/new.ts'));
    await Promise.all([added, removed]);
    const a = w.until('src/gone/a.ts', 'unlink');
    const b = w.until('src/gone/b.ts', 'unlink');
    rmSync(join(dir, 'src/gone'), { recursive: true });
    await Promise.all([a, b]);
  });

  it('watches a hidden folder named in the static part of a glob', async () => {
    const dir = tempTree({ '.config/app/a.json': '{}' });
    const w = await watchTree(dir, ['.config/app/*.json']);
    const next = w.until('.config/app/a.json', 'change');
    write(dir, '.config/app/a.json', '{"x":1}');
    await next;
  });

  it('polls instead when asked (network filesystems)', async () => {
    const dir = tempTree({ 'src/a.ts': '1' });
    const w = await watchTree(dir, ['src/**/*.ts'], [], true);
    const changed = w.until('src/a.ts', 'change');
    write(dir, 'src/a.ts', '22');
    await changed;
    const added = w.until('src/new/b.ts', 'add');
    write(dir, 'src/new/b.ts', 'x');
    await added;
  });
});
