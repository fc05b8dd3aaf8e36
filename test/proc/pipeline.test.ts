import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from '../../src/config/spec.js';
import { createHost } from '../../src/proc/create-host.js';
import { descendants } from '../../src/proc/procfs.js';
import { survivors, useProcessTracker, within } from '../helpers/processes.js';
import { CollectingSink } from '../helpers/sink.js';
import { baseEnv, fixture, fx, pipelineUnit, sh } from '../helpers/units.js';

const host = createHost();

const tracker = useProcessTracker();

// Runs a pipeline to its end and gives its exit and output.
async function run(steps: Command[], over: Parameters<typeof pipelineUnit>[2] = {}) {
  const sink = new CollectingSink();
  const unit = tracker.add(host.spawnPipeline(pipelineUnit('pipe', steps, over), sink));
  const exit = await within(unit.exited, 60_000, 'the pipeline to end');
  await within(unit.outputDone, 60_000, 'the pipeline output to end');
  return { exit, sink, unit };
}

describe('spawnPipeline', () => {
  it('feeds stdout of each step into the next: echo | wc -w', async () => {
    const { exit, sink } = await run([sh('echo "hello world"'), sh('wc -w')]);
    assert.equal(sink.text('pipe', 'stdout').trim(), '2');
    assert.deepEqual({ ...exit, durationMs: 0 }, { code: 0, signal: null, status: 0, durationMs: 0 });
  });

  it('reports the last non-zero status and its step (pipefail), with each step’s stderr tagged', async () => {
    const { exit, sink } = await run([sh('echo a; exit 3'), sh('cat >/dev/null; echo oops >&2; exit 4'), sh('cat')]);
    assert.equal(exit.status, 4);
    assert.equal(exit.code, 4);
    assert.equal(exit.step, 1);
    assert.equal(sink.text('pipe', 'stderr', 1), 'oops\n');
    assert.equal(sink.text('pipe', 'stderr', 0), '');
  });

  it('ends `yes | head -1` without hanging: yes gets SIGPIPE as in a shell', async () => {
    const { exit, sink } = await run([{ kind: 'exec', file: 'yes', args: [] }, sh('head -1')]);
    assert.equal(sink.text('pipe', 'stdout'), 'y\n');
    assert.deepEqual([exit.signal, exit.status, exit.step], ['SIGPIPE', 141, 0]);
    assert.equal(sink.text('pipe', 'stderr'), '', 'no error from yes: a real pipe, not a socket');
  });

  it('joins steps with real pipes and keeps procs’ fds away from the steps', async () => {
    const probe = 'test -p /dev/stdin && echo stdin-is-a-pipe; readlink /proc/$$/fd/3 /proc/$$/fd/4';
    const { sink } = await run([sh('echo x'), sh(probe), sh('cat')]);
    assert.equal(sink.text('pipe', 'stdout'), 'stdin-is-a-pipe\n/dev/null\n/dev/null\n');
  });

  it('carries 100k lines through three steps intact', async () => {
    const n = 100_000;
    const { exit, sink } = await run([fx('lines.js', String(n)), sh('cat'), fx('echo-stdin.js')]);
    assert.equal(exit.status, 0);
    const lines = sink.lines('pipe', 'stdout');
    assert.equal(lines.length, n);
    lines.forEach((l, i) => l === `line ${i + 1}` || assert.fail(`line ${i + 1} is ${l}`));
  });

  it('gives the steps the unit env exactly, NODE_OPTIONS included', async () => {
    const env = baseEnv({ NODE_OPTIONS: '--require /no/such/module.js', X: '1' });
    const { exit, sink } = await run([sh('echo "$NODE_OPTIONS|$X|${PROCS_PIPELINE_NODE_OPTIONS:-unset}"')], { env });
    assert.equal(exit.status, 0);
    assert.equal(sink.text('pipe', 'stdout'), '--require /no/such/module.js|1|unset\n');
  });

  it('reports a step that cannot start as a value', async () => {
    const { exit } = await run([sh('echo x'), { kind: 'exec', file: 'no-such-command-xyz', args: [] }, sh('cat')]);
    assert.deepEqual([exit.status, exit.step, exit.error], [127, 1, 'command not found: no-such-command-xyz']);
  });

  it('reports a missing cwd as a value', async () => {
    const { exit, unit } = await run([sh('true')], { cwd: '/no/such/dir' });
    assert.equal(exit.error, 'working directory does not exist: /no/such/dir');
    assert.equal(unit.pid, undefined);
  });
});

describe('stopping a pipeline', () => {
  it('stops every step and leaves nothing', async () => {
    const sink = new CollectingSink();
    const unit = tracker.add(host.spawnPipeline(pipelineUnit('long', [sh('tail -f /dev/null'), sh('cat'), fx('hang.js')]), sink));
    await sink.waitForLine(/ready/, 'long');
    const steps = descendants([unit.pid ?? -1]);
    assert.ok(steps.length >= 3, `found ${steps.length} step processes`);
    assert.deepEqual(await host.stopUnit(unit, { signal: 'SIGTERM', timeoutMs: 10_000 }), { forced: false });
    const exit = await unit.exited;
    assert.equal(exit.signal, 'SIGTERM');
    assert.equal(exit.step, 2);
    assert.deepEqual(survivors({ pgids: [unit.pgid ?? -1], pids: steps.map((s) => s.pid) }), []);
  });

  it('forces a step that ignores SIGTERM', async () => {
    const sink = new CollectingSink();
    const unit = tracker.add(host.spawnPipeline(pipelineUnit('stubborn', [sh('echo go'), { kind: 'exec', file: fixture('ignore-term.js'), args: [] }]), sink));
    await sink.waitForLine(/ready/, 'stubborn');
    assert.deepEqual(await host.stopUnit(unit, { signal: 'SIGTERM', timeoutMs: 300 }), { forced: true });
    const exit = await unit.exited;
    assert.equal(exit.status, 137);
  });
});
