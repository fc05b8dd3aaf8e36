// A scheduled unit with real processes: `up -d --wait` does not wait for it to complete, it runs at
// each tick, and between runs `ps` shows it scheduled with its next run and how the last one went.
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NODE, psJson, tempProject, waitUntil, type Proj, type PsUnit } from '../control/helpers.js';

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

interface Scheduled extends PsUnit {
  readonly schedule?: {
    readonly next_run: string | null;
    readonly last_run: { readonly started_at: string | null; readonly ended_at: string; readonly ok: boolean; readonly code: number | null } | null;
    readonly skipped: number;
    readonly beside: number;
  };
}

/** Asks `ps --json` until `cond` holds for the unit's row. */
async function rowWhen(p: Proj, name: string, cond: (u: Scheduled) => boolean, what: string): Promise<Scheduled> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const units: readonly Scheduled[] = (await psJson(p)).units;
    const u = units.find((x) => x.name === name);
    if (u && cond(u)) return u;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(u)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('scheduled units', () => {
  it('run at each tick; ps shows them scheduled with the next run and the last result', async () => {
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  tick:
    command: ["/bin/sh", "-c", "echo ran >> runs.txt"]
    schedule: { every: 300ms }
  web:
    command: [${NODE}, "-e", "setInterval(() => {}, 1 << 30)"]
    depends_on: [tick]
`,
    });
    projects.push(p);
    const up = await p.run(['up', '-d', '--wait', '--wait-timeout', '30s']);
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    assert.match(up.stdout, /tick +scheduled/);
    const runs = (): number => (existsSync(join(p.dir, 'runs.txt')) ? readFileSync(join(p.dir, 'runs.txt'), 'utf8').split('\n').length - 1 : 0);
    await waitUntil(() => runs() >= 3, 20_000, 'three runs');
    const row = await rowWhen(p, 'tick', (u) => u.state === 'scheduled' && u.schedule?.last_run !== null, 'tick scheduled after a run');
    assert.equal(row.pid, null);
    assert.equal(row.schedule?.last_run?.ok, true);
    assert.equal(row.schedule?.last_run?.code, 0);
    const next = Date.parse(row.schedule?.next_run ?? '');
    const ended = Date.parse(row.schedule?.last_run?.ended_at ?? '');
    // The next tick is at most one period after the run ended; on a loaded machine its timer may
    // fire late, so the row may still show a tick that came due just before the run ended.
    assert.ok(next > ended - 300 && next - ended <= 300, `next run ${row.schedule?.next_run} after the last run ${row.schedule?.last_run?.ended_at}`);
    let text = '';
    const deadline = Date.now() + 20_000;
    while (!/tick +scheduled \(next \d\d:\d\d:\d\d\)/.test(text)) {
      assert.ok(Date.now() < deadline, `ps never showed tick scheduled:\n${text}`);
      text = (await p.run(['ps'])).stdout;
    }
    assert.match(text, /last run ok at \d\d:\d\d:\d\d/);
    const exits = p.events().filter((e) => e.type === 'exit' && e.unit === 'tick');
    assert.ok(exits.length >= 3 && exits.every((e) => e.state === 'scheduled'), JSON.stringify(exits));
    assert.equal((await psJson(p)).units.find((u) => u.name === 'web')?.state, 'running');
    assert.equal((await p.run(['down'])).code, 0);
  });

  it('concurrency: allow starts a run beside one still going; down stops both', async () => {
    // Each run writes its pid and sleeps 2 s, ticks come every 500ms: a few runs overlap, none busy.
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  slow:
    command: ["/bin/sh", "-c", "echo $$$$ >> runs.txt; sleep 2"]
    schedule: { every: 500ms, concurrency: allow }
`,
    });
    projects.push(p);
    const up = await p.run(['up', '-d', '--wait', '--wait-timeout', '30s']);
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    const row = await rowWhen(p, 'slow', (u) => (u.schedule?.beside ?? 0) >= 1 && u.state === 'running', 'a run beside the first');
    assert.equal(row.schedule?.skipped, 0);
    let text = '';
    const deadline = Date.now() + 20_000;
    while (!/\d+ more running/.test(text)) {
      assert.ok(Date.now() < deadline, `ps never showed a run beside:\n${text}`);
      text = (await p.run(['ps'])).stdout;
    }
    assert.equal((await p.run(['down'])).code, 0);
    // Every run's shell is gone (the after hook also checks that no process outlived the test).
    const pids = readFileSync(join(p.dir, 'runs.txt'), 'utf8').trim().split('\n').map(Number);
    assert.ok(pids.length >= 2 && pids.every((pid) => Number.isInteger(pid) && pid > 1), `runs: ${pids.join(', ')}`);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), `run ${pid} outlived down`);
  });
});
