// One run per burst on real files: 1,000 files written at once, editors that save through a
// rename (vim, JetBrains), new folders. Each test proves "exactly one" without waiting for
// time to pass: after the run, a sentinel change must give a second run holding only itself.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { watchRules, type Harness } from './harness.js';
import { rule, sh, tempTree, write } from './support.js';

// Writes a sentinel and checks that the next run is about it alone: nothing of the burst was left.
async function assertBurstWasOneRun(h: Harness, dir: string): Promise<void> {
  assert.equal(h.events.of('watch').length, 1, 'one run for the burst');
  const next = h.events.next('build');
  write(dir, 'src/zz-sentinel.ts', 'after');
  await next;
  const watches = h.events.of('watch');
  assert.equal(watches.length, 2);
  assert.deepEqual(watches[1]?.paths, ['src/zz-sentinel.ts'], 'the second run saw nothing of the burst');
  assert.equal(h.count(/^run$/), 2);
}

describe('bursts of changes', () => {
  it('gives one run for 1,000 files written at once', async () => {
    const dir = tempTree({ 'src/keep.ts': '' });
    mkdirSync(join(dir, 'src/many'));
    const h = await watchRules(dir, [rule(dir, { paths: ['src/**/*.ts'], run: sh('echo run'), debounceMs: 500 })]);
    const built = h.events.next('build');
    for (let i = 0; i < 1000; i++) writeFileSync(join(dir, `src/many/f${i}.ts`), `export const n = ${i};\n`);
    assert.equal((await built).ok, true);
    assert.equal(h.events.of('watch')[0]?.paths.length, 100, 'the event names at most 100 paths');
    await assertBurstWasOneRun(h, dir);
  });

  it('gives one run for a vim save (rename to a backup, write, delete the backup)', async () => {
    const dir = tempTree({ 'src/app.ts': 'v1' });
    const h = await watchRules(dir, [rule(dir, { paths: ['src/**'], run: sh('echo run') })]);
    const built = h.events.next('build');
    writeFileSync(join(dir, 'src/4913'), '');
    unlinkSync(join(dir, 'src/4913'));
    renameSync(join(dir, 'src/app.ts'), join(dir, 'src/app.ts~'));
    writeFileSync(join(dir, 'src/app.ts'), 'v2');
    unlinkSync(join(dir, 'src/app.ts~'));
    await built;
    assert.ok(h.events.of('watch')[0]?.paths.includes('src/app.ts'));
    await assertBurstWasOneRun(h, dir);
  });

  it('gives one run for a JetBrains safe write (temp file, rename old away, rename temp in)', async () => {
    const dir = tempTree({ 'src/app.ts': 'v1' });
    const h = await watchRules(dir, [rule(dir, { paths: ['src/**/*.ts'], run: sh('echo run') })]);
    const built = h.events.next('build');
    writeFileSync(join(dir, 'src/app.ts___jb_tmp___'), 'v2');
    renameSync(join(dir, 'src/app.ts'), join(dir, 'src/app.ts___jb_old___'));
    renameSync(join(dir, 'src/app.ts___jb_tmp___'), join(dir, 'src/app.ts'));
    unlinkSync(join(dir, 'src/app.ts___jb_old___'));
    await built;
    assert.deepEqual(h.events.of('watch')[0]?.paths, ['src/app.ts']);
    await assertBurstWasOneRun(h, dir);
  });

  it('gives one run for a folder created with files in it after the start', async () => {
    const dir = tempTree({ 'src/a.ts': '' });
    const h = await watchRules(dir, [rule(dir, { paths: ['src/**/*.ts'], run: sh('echo run') })]);
    const built = h.events.next('build');
    mkdirSync(join(dir, 'src/feature/deep'), { recursive: true });
    writeFileSync(join(dir, 'src/feature/deep/x.ts'), 'x');
    writeFileSync(join(dir, 'src/feature/y.ts'), 'y');
    await built;
    assert.deepEqual([...(h.events.of('watch')[0]?.paths ?? [])].sort(), ['src/feature/deep/x.ts', 'src/feature/y.ts']);
    await assertBurstWasOneRun(h, dir);
  });

  it('leaves out what --ignore names', async () => {
    const dir = tempTree({ 'src/a.ts': '' });
    const h = await watchRules(dir, [rule(dir, { paths: ['src/**/*.ts'], run: sh('echo run') })], { ignore: ['src/gen'] });
    const built = h.events.next('build');
    write(dir, 'src/gen/skip.ts', 'generated');
    write(dir, 'src/b.ts', 'real');
    await built;
    assert.deepEqual(h.events.of('watch')[0]?.paths, ['src/b.ts']);
  });
});
