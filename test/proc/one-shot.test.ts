// The one-shot runner (exec probes, validators): exit statuses as a shell reports them, a timeout
// or an abort that kills the command's whole group, bounded output, and no environment value in
// what it reports.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Command } from '../../src/config/spec.js';
import { runOneShot } from '../../src/proc/one-shot.js';
import { useProcessTracker, waitFor, within } from '../helpers/processes.js';
import { BIN } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'procs-one-shot-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tracker = useProcessTracker();

const sh = (script: string): Command => ({ kind: 'shell', shell: '/bin/sh', script });
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const base = { cwd: dir, env };
const numbers = (text: string): number[] => text.trim().split(/\s+/).map(Number);

// A shell that ignores SIGTERM and leads a group of three: itself, a child shell and that child's
// `sleep 30`; it prints their three pids, then waits.
const GROUP_OF_THREE = `trap '' TERM; sh -c 'echo $$ $PPID; sleep 30 & echo $!; wait' & wait`;

describe('runOneShot', () => {
  it('gives the status a shell reports: the code, 128+N for signal N', async () => {
    assert.deepEqual(await runOneShot(sh('exit 3'), base), { status: 3, timedOut: false, canceled: false, outputLimited: false, stdout: '', stderr: '' });
    assert.equal((await runOneShot(sh('true'), base)).status, 0);
    assert.equal((await runOneShot(sh('kill -TERM $$'), base)).status, 143);
    assert.equal((await runOneShot({ kind: 'exec', file: '/bin/sh', args: ['-c', 'exit 7'] }, base)).status, 7);
  });

  it('says why a command could not start: 127 when not found, 126 when it cannot run', async () => {
    const missing = await runOneShot({ kind: 'exec', file: 'procs-no-such-program', args: [] }, base);
    assert.equal(missing.status, 127);
    assert.equal(missing.error, 'cannot run procs-no-such-program: command not found');
    const notExecutable = await runOneShot({ kind: 'exec', file: join(BIN, 'not-executable.sh'), args: [] }, base);
    assert.equal(notExecutable.status, 126);
    assert.equal(notExecutable.error, `cannot run ${join(BIN, 'not-executable.sh')}: permission denied`);
  });

  it('kills the whole group, grandchildren included, at its timeout', async () => {
    const started = Date.now();
    const r = await runOneShot(sh(GROUP_OF_THREE), { ...base, timeoutMs: 300, capture: { maxChars: 1000 } });
    const [child = 0, leader = 0, grandchild = 0] = numbers(r.stdout);
    tracker.addPids(leader, child, grandchild);
    assert.ok(grandchild > 0, `three pids, got '${r.stdout}'`);
    assert.equal(r.timedOut, true);
    assert.equal(r.status, null);
    assert.ok(Date.now() - started < 10_000, 'not killed at its timeout');
    // afterEach: the leader, its child and the grandchild are gone (SIGTERM is ignored: only SIGKILL ends them).
  });

  it('kills the whole group at once when aborted', async () => {
    const abort = new AbortController();
    const file = join(dir, 'group.pids');
    // The three pids go to a file once the group is complete; it is aborted then.
    const script = `trap '' TERM; sh -c 'sleep 30 & echo $$ $PPID $! > ${file}.tmp; mv ${file}.tmp ${file}; wait' & wait`;
    const running = runOneShot(sh(script), { ...base, signal: abort.signal });
    await waitFor(() => existsSync(file), 'the group to be complete', 10_000);
    tracker.addPids(...numbers(readFileSync(file, 'utf8')));
    abort.abort();
    const r = await running;
    assert.equal(r.canceled, true);
    assert.equal(r.status, null);
  });

  it('kills a command that writes more than its limit, and keeps the output up to it', async () => {
    const r = await runOneShot(sh('echo $$; trap "" TERM PIPE; while :; do echo xxxxxxxxxxxxxxxx; done'), { ...base, capture: { maxChars: 4096 } });
    tracker.addPids(numbers(r.stdout.split('\n')[0] ?? '')[0] ?? 0);
    assert.equal(r.outputLimited, true);
    assert.equal(r.status, null);
    assert.ok(r.stdout.length <= 4096 && r.stdout.length > 0, `output of ${r.stdout.length} characters`);
  });

  it('with `keep: end`, keeps the end of what a command writes and lets it run on however much it writes', async () => {
    const r = await runOneShot(sh('i=0; while [ $i -lt 2000 ]; do echo line $i; i=$((i+1)); done; echo last >&2; exit 1'), {
      ...base,
      capture: { maxChars: 40, keep: 'end' },
    });
    assert.deepEqual([r.status, r.outputLimited, r.stderr], [1, false, 'last\n']);
    assert.equal(r.stdout.length, 40);
    assert.ok(r.stdout.endsWith('line 1998\nline 1999\n'), r.stdout);
  });

  it('captures stdout and stderr apart', async () => {
    const r = await runOneShot(sh('echo out; echo err >&2; exit 2'), { ...base, capture: { maxChars: 100 } });
    assert.deepEqual([r.status, r.stdout, r.stderr], [2, 'out\n', 'err\n']);
  });

  it('kills what the command left running in its group once it has ended', async () => {
    const file = join(dir, 'left.pids');
    const r = await runOneShot(sh(`trap '' TERM; sleep 30 </dev/null >/dev/null 2>&1 & echo $$ $! > ${file}`), base);
    assert.equal(r.status, 0);
    tracker.addPids(...numbers(readFileSync(file, 'utf8')));
  });

  it('ends once the command has, even when what it left running holds its output', async () => {
    const r = await within(runOneShot(sh(`trap '' TERM; sleep 30 & echo $$ $!`), { ...base, capture: { maxChars: 100 } }), 10_000, 'the run');
    assert.equal(r.status, 0);
    tracker.addPids(...numbers(r.stdout));
  });

  it('gives the command only the env it is given, and never reports an env value', async () => {
    const secret = 'hunter2-one-shot';
    process.env.PROCS_ONE_SHOT_LEAK = 'procs-own-env';
    try {
      const seen = await runOneShot(sh('env'), { ...base, env: { ...env, TOKEN: secret }, capture: { maxChars: 10_000 } });
      assert.match(seen.stdout, /^TOKEN=hunter2-one-shot$/m);
      assert.doesNotMatch(seen.stdout, /PROCS_ONE_SHOT_LEAK/);
    } finally {
      delete process.env.PROCS_ONE_SHOT_LEAK;
    }
    const withSecret = { ...base, env: { ...env, TOKEN: secret } };
    const results = [
      await runOneShot(sh(`exit 1 # ${secret}`), { ...withSecret, cwd: join(dir, 'missing') }),
      await runOneShot({ kind: 'exec', file: 'procs-no-such-program', args: [secret] }, withSecret),
      await runOneShot(sh(`sleep 5 # ${secret}`), { ...withSecret, timeoutMs: 50 }),
    ];
    assert.equal(results[0]?.error, 'cannot run /bin/sh: command not found');
    for (const r of results) assert.ok(!JSON.stringify(r).includes(secret), JSON.stringify(r));
  });
});
