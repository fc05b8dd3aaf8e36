// Watch rules end to end below the CLI: real files, real `run` processes, restarts recorded.
// Tests wait for events and output lines, never for time to pass.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { watchRules } from './harness.js';
import { rule, sh, tempTree, write } from './support.js';

describe('watch rules', () => {
  it('runs, then restarts the targets in one request; pools become their instances', async () => {
    const dir = tempTree({ 'src/a.ts': '1' });
    const h = await watchRules(dir, [rule(dir, { name: 'api-build', run: sh('echo building'), restart: ['api', 'worker'], rolling: true })]);
    const built = h.events.next('build');
    write(dir, 'src/a.ts', '2');
    const e = await built;
    assert.equal(e.ok, true);
    assert.equal(e.exit?.code, 0);
    await h.session.close();
    assert.deepEqual(
      h.events.of('watch').map((w) => [w.unit, w.paths]),
      [['api-build', ['src/a.ts']]],
    );
    assert.deepEqual(h.restarts, [{ names: ['api', 'worker.0', 'worker.1'], request: { rolling: true, reason: 'files changed (api-build)' } }]);
    assert.deepEqual(h.sink.lines('api-build'), ['building']);
  });

  it('keeps the targets when `run` fails, shows why, and tries again on the next change', async () => {
    const dir = tempTree({ 'src/a.ts': 'bad' });
    const script = 'echo compiling; if grep -q bad src/a.ts; then echo "src/a.ts:1 error: bad thing" >&2; exit 3; fi; echo compiled';
    const h = await watchRules(dir, [rule(dir, { name: 'api-build', run: sh(script), restart: ['api'] })]);
    let built = h.events.next('build');
    write(dir, 'src/a.ts', 'still bad');
    const failed = await built;
    assert.equal(failed.ok, false);
    assert.equal(failed.exit?.code, 3);
    assert.equal(h.restarts.length, 0);
    assert.deepEqual(h.sink.lines('api-build', 'stderr'), ['src/a.ts:1 error: bad thing']);
    built = h.events.next('build');
    write(dir, 'src/a.ts', 'good');
    assert.equal((await built).ok, true);
    assert.deepEqual(
      h.restarts.map((r) => r.names),
      [['api']],
    );
  });

  it('reports a `run` that cannot start as a failed build', async () => {
    const dir = tempTree({ 'src/a.ts': '' });
    const run = { kind: 'exec' as const, file: 'no-such-build-tool', args: [] };
    const h = await watchRules(dir, [rule(dir, { run, restart: ['api'] })]);
    const built = h.events.next('build');
    write(dir, 'src/a.ts', 'x');
    const e = await built;
    assert.equal(e.ok, false);
    assert.match(e.exit?.error ?? '', /command not found: no-such-build-tool/);
    assert.match(h.sink.text('build', 'stderr'), /command not found/);
    assert.equal(h.restarts.length, 0);
  });

  it('restarts straight away when the rule has no `run`', async () => {
    const dir = tempTree({ 'src/a.ts': '' });
    const h = await watchRules(dir, [rule(dir, { name: 'api.watch', restart: ['api'] })]);
    const changed = h.events.next('watch');
    write(dir, 'src/a.ts', 'x');
    await changed;
    await h.session.close();
    assert.deepEqual(
      h.restarts.map((r) => r.names),
      [['api']],
    );
    assert.deepEqual(h.events.of('build'), []);
  });

  it('builds the next change even when the targets never come up again', async () => {
    const dir = tempTree({ 'src/a.ts': '' });
    const h = await watchRules(dir, [rule(dir, { run: sh('echo run'), restart: ['api'] })], { restartHangs: true });
    let built = h.events.next('build');
    write(dir, 'src/a.ts', 'bug');
    await built;
    built = h.events.next('build');
    write(dir, 'src/a.ts', 'fix');
    await built;
    await h.session.close();
    assert.deepEqual(
      h.restarts.map((r) => r.names),
      [['api'], ['api']],
    );
  });

  it('queues exactly one run for changes during a run, and never runs twice at once', async () => {
    const dir = tempTree({ 'src/a.ts': '' });
    execFileSync('mkfifo', [join(dir, 'gate')]);
    const script = 'if [ -e lock ]; then echo OVERLAP; fi; : > lock; echo started; read go < gate; rm -f lock; echo finished';
    const h = await watchRules(dir, [rule(dir, { run: sh(script), debounceMs: 100 })]);
    write(dir, 'src/a.ts', '1');
    await h.lines(/^started$/, 1);
    const seen = Promise.all([h.seen('src/b.ts'), h.seen('src/c.ts')]);
    write(dir, 'src/b.ts', '1');
    write(dir, 'src/c.ts', '1');
    await seen;
    await writeFile(join(dir, 'gate'), 'go\n');
    await h.lines(/^started$/, 2);
    await writeFile(join(dir, 'gate'), 'go\n');
    await h.lines(/^finished$/, 2);
    write(dir, 'src/z.ts', 'sentinel');
    await h.lines(/^started$/, 3);
    await writeFile(join(dir, 'gate'), 'go\n');
    await h.lines(/^finished$/, 3);
    const paths = h.events.of('watch').map((w) => [...w.paths].sort());
    assert.deepEqual(paths, [['src/a.ts'], ['src/b.ts', 'src/c.ts'], ['src/z.ts']]);
    assert.equal(h.count(/OVERLAP/), 0);
  });

  it('mirrors changes into `sync` before `run`, deletions included', async () => {
    const dir = tempTree({ 'src/a.txt': 'A', 'src/old/o.txt': 'O' });
    const mirror = join(dir, 'build/mirror');
    const h = await watchRules(dir, [rule(dir, { sync: mirror, run: sh('cat build/mirror/src/a.txt; echo; ls build/mirror/src'), initial: true })]);
    assert.deepEqual(h.sink.lines('build'), ['A', 'a.txt', 'old'], 'the initial run mirrors every file first');
    // One change at a time, each judged by the output of the run its own `watch` event starts:
    // two changes made one after the other may land in one debounce window or in two.
    const runAfter = async (rel: string, change: () => void): Promise<string[]> => {
      const started = h.events.next('watch', (w) => w.paths.includes(rel));
      change();
      await started;
      const from = h.sink.lines('build').length;
      assert.equal((await h.events.next('build')).ok, true);
      await h.sink.waitFor(() => h.sink.lines('build').length >= from + 2, 'the output of the run');
      return h.sink.lines('build').slice(from);
    };
    const afterDelete = await runAfter('src/old/o.txt', () => execFileSync('rm', ['-r', join(dir, 'src/old')]));
    assert.ok(!existsSync(join(mirror, 'src/old')), 'the deleted folder is gone from the mirror');
    assert.deepEqual(afterDelete, ['A', 'a.txt'], 'the run saw the mirror without the deleted folder');
    assert.deepEqual(await runAfter('src/a.txt', () => write(dir, 'src/a.txt', 'A2')), ['A2', 'a.txt']);
    assert.equal(readFileSync(join(mirror, 'src/a.txt'), 'utf8'), 'A2');
  });

  it('runs `initial: true` rules before `started` resolves, without restarting anything', async () => {
    const dir = tempTree({ 'src/a.ts': '' });
    const h = await watchRules(dir, [rule(dir, { run: sh('echo first build'), restart: ['api'], initial: true })]);
    assert.deepEqual(h.sink.lines('build'), ['first build']);
    assert.deepEqual(
      h.events.of('build').map((e) => e.ok),
      [true],
    );
    assert.deepEqual(h.events.of('watch'), []);
    assert.equal(h.restarts.length, 0);
  });

  it('stops a running build when closed, leaving no process', async () => {
    const dir = tempTree({ 'src/a.ts': '' });
    const h = await watchRules(dir, [rule(dir, { run: sh('echo started; sleep 600 & wait') })]);
    write(dir, 'src/a.ts', 'x');
    await h.lines(/^started$/, 1);
    await h.session.close();
    assert.deepEqual(h.events.of('build'), [], 'a build stopped by procs is no result');
  });
});

describe('watch rules changed by a reload', () => {
  it('re-arms a changed rule: a run it cuts short and the changes queued behind it run with the new definition', async () => {
    const dir = tempTree({ 'src/a.ts': '' });
    const h = await watchRules(dir, [rule(dir, { run: sh('echo v1 started; sleep 600 & wait'), debounceMs: 50 })]);
    write(dir, 'src/a.ts', '1');
    await h.lines(/^v1 started$/, 1);
    const queued = h.seen('src/b.ts');
    write(dir, 'src/b.ts', '1');
    await queued;
    const old = h.session.status()[0];
    assert.equal(old?.runner.scheduler, 'queued');
    assert.equal(old?.runner.step, 'run');
    assert.equal(typeof old?.runner.pid, 'number');
    const built = h.events.next('build');
    await h.session.add({ ...(old?.rule ?? rule(dir)), run: sh('echo v2 built') });
    assert.equal((await built).ok, true);
    assert.deepEqual(h.sink.lines('build'), ['v1 started', 'v2 built']);
    assert.deepEqual(
      h.events.of('watch').map((w) => [...w.paths].sort()),
      [['src/a.ts'], ['src/a.ts', 'src/b.ts']],
    );
    assert.deepEqual(h.session.rules, ['build']);
    await h.session.close();
    assert.deepEqual(
      h.session.status().map((s) => [s.state, s.runner.runs, s.runner.lastRun?.ok]),
      [['stopped', 1, true]],
    );
  });

  it('turns a rule on and off: an added rule runs on a change, a removed one is gone', async () => {
    const dir = tempTree({ 'src/a.ts': '', 'css/a.css': '' });
    const h = await watchRules(dir, [rule(dir, { run: sh('echo build') })]);
    const tagged = h.session.status()[0]?.rule ?? rule(dir);
    await h.session.add({ ...tagged, name: 'css', paths: ['css/**'], run: sh('echo css'), debounceMs: 50 });
    assert.deepEqual(h.session.rules, ['build', 'css']);
    const built = h.events.next('build', (e) => e.unit === 'css');
    write(dir, 'css/a.css', 'x');
    assert.equal((await built).ok, true);
    await h.session.remove('build');
    assert.deepEqual(h.session.rules, ['css']);
    assert.deepEqual(
      h.session.status().map((s) => s.rule.name),
      ['css'],
    );
  });
});
