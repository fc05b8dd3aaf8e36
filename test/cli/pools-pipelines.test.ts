// Pools and pipelines end to end through `procs up`, with real processes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assertClean, procs, readEvents, specProject } from '../helpers/cli.js';

const spec = specProject;

/** Peak resident memory of a live process, in MiB. */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

describe('pools', () => {
  it('runs N instances with WORKER_ID, PROCS_INSTANCE and PORT, and replaces killed ones under their index', async () => {
    const dir = spec(`version: 1
pools:
  worker:
    command: 'echo "id=$WORKER_ID inst=$PROCS_INSTANCE unit=$PROCS_UNIT port=$PORT pid=$$$$"; exec sleep 1000'
    replicas: 4
    port: 7100
    restart: { backoff: { initial: 10ms } }
`);
    const run = procs(['up'], { cwd: dir });
    const pids = new Map<number, number>();
    for (let i = 0; i < 4; i++) {
      const line = await run.waitFor(new RegExp(`worker\\.${i}\\s+\\| id=${i} inst=${i} unit=worker\\.${i} port=${7100 + i} pid=(\\d+)`));
      pids.set(i, Number(/pid=(\d+)/.exec(line)?.[1]));
    }
    process.kill(pids.get(1) ?? 0, 'SIGKILL');
    process.kill(pids.get(3) ?? 0, 'SIGKILL');
    for (const i of [1, 3]) await run.waitFor(new RegExp(`worker\\.${i}\\s+\\| id=${i} .* pid=(?!${pids.get(i)}$)\\d+$`));
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    const spawns = readEvents(dir).filter((e) => e.type === 'spawn');
    const count = (u: string): number => spawns.filter((e) => e.unit === u).length;
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => count(`worker.${i}`)),
      [1, 2, 1, 2],
    );
    assert.ok(!spawns.some((e) => !/^worker\.[0-3]$/.test(e.unit)), 'an instance outside 0…3 appeared');
    await assertClean(run);
  });

  it('takes instance counts from -m, as foreman does', async () => {
    const dir = spec(`version: 1\npools:\n  w:\n    command: 'echo "w $WORKER_ID"'\n    replicas: 1\n    restart: never\n`);
    const run = procs(['up', '-m', 'w=3'], { cwd: dir });
    assert.equal(await run.exited, 0, run.text());
    for (const i of [0, 1, 2])
      assert.ok(
        run.stdout.some((l) => new RegExp(`w\\.${i}\\s+\\| w ${i}$`).test(l)),
        run.text(),
      );
    await assertClean(run);
  });

  it('starts and stops 200 instances cleanly', async () => {
    const dir = spec(`version: 1\npools:\n  many:\n    command: 'echo up; exec sleep 1000'\n    replicas: 200\n`);
    const run = procs(['up'], { cwd: dir });
    await run.waitForCount(/^\S+ many\.\d+\s+\| up$/, 200, 120_000);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    const stopped = readEvents(dir).filter((e) => e.type === 'stop' && e.state === 'stopped');
    assert.equal(stopped.length, 200);
    await assertClean(run);
  });
});

describe('pipelines', () => {
  it('feeds each step into the next: echo "hello world" | wc -w gives 2', async () => {
    const dir = spec(`version: 1\npipelines:\n  count:\n    steps: ['echo "hello world"', [wc, -w]]\n    restart: never\n`);
    const run = procs(['up'], { cwd: dir });
    assert.equal(await run.exited, 0, run.text());
    assert.ok(
      run.stdout.some((l) => /count\s+\| \s*2$/.test(l)),
      run.text(),
    );
    await assertClean(run);
  });

  it('moves 100 MB through three steps while procs stays small', async () => {
    const dir = spec(`version: 1
pipelines:
  bulk:
    steps:
      - head -c 100000000 /dev/zero
      - [tr, '\\0', a]
      - sh -c 'wc -c; exec sleep 1000'
`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/bulk\s+\| \s*100000000$/, 120_000);
    const peak = peakRssMiB(run.child.pid ?? 0);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    assert.ok(peak < 200, `procs' peak RSS was ${peak.toFixed(1)} MiB`);
    console.log(`# peak RSS of procs moving 100 MB through a 3-step pipeline: ${peak.toFixed(1)} MiB`);
    await assertClean(run);
  });

  it('reports the failing step with pipefail status, stderr tagged with its step', async () => {
    const dir = spec(`version: 1\npipelines:\n  p:\n    steps: ['echo hi', "sh -c 'cat; echo broken >&2; exit 3'", cat]\n    restart: never\n`);
    const run = procs(['up'], { cwd: dir });
    assert.equal(await run.exited, 1);
    assert.ok(
      run.stdout.some((l) => /p\s+\| \[2\] broken$/.test(l)),
      run.text(),
    );
    const exit = readEvents(dir).find((e) => e.type === 'exit' && e.unit === 'p') as { exit?: { status: number; step?: number } } | undefined;
    assert.equal(exit?.exit?.status, 3);
    assert.equal(exit?.exit?.step, 1);
    await assertClean(run);
  });

  it('does not hang when a step exits early (yes | head -1)', async () => {
    const dir = spec(`version: 1\npipelines:\n  first:\n    steps: [yes, 'head -1']\n    restart: never\n`);
    const run = procs(['up'], { cwd: dir });
    await run.exited;
    assert.ok(
      run.stdout.some((l) => /first\s+\| y$/.test(l)),
      run.text(),
    );
    await assertClean(run);
  });

  it('restarts the whole chain when the pipeline fails', async () => {
    const dir = spec(`version: 1
pipelines:
  flaky:
    steps: ['echo tick', "sh -c 'cat; exit 1'"]
    restart: { max_restarts: 2, backoff: { initial: 10ms } }
`);
    const run = procs(['up'], { cwd: dir });
    assert.equal(await run.exited, 1);
    assert.equal(run.stdout.filter((l) => /flaky\s+\| tick$/.test(l)).length, 3);
    assert.equal(readEvents(dir).filter((e) => e.type === 'spawn' && e.unit === 'flaky').length, 3);
    await assertClean(run);
  });
});
