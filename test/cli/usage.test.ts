// CPU and memory of units in a real daemon: `ps --json` numbers for a busy unit, an idle one and
// one whose child holds memory (the whole tree counts, not only the leader), the `ps` table with
// its usage columns and total line, and `procs top` run for a few frames, then ended by Ctrl-C,
// by a project going away, or refused when no project runs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, procs } from '../helpers/cli.js';
import { NODE, tempProject, type Proj } from '../control/helpers.js';

const MB = 1024 * 1024;
const ALLOC_MB = 96;
const SPEC = `processes:
  spin:
    command: [${NODE}, ${JSON.stringify(join(BIN, 'spin.js'))}]
    health:
      readiness: { log: spinning }
  idle:
    command: [${NODE}, ${JSON.stringify(join(BIN, 'hang.js'))}]
    health:
      readiness: { log: ready }
  alloc:
    command: [${NODE}, ${JSON.stringify(join(BIN, 'alloc.js'))}, "${ALLOC_MB}"]
    health:
      readiness: { log: allocated }
  once:
    command: [${NODE}, "-e", ""]
    restart: never
`;

interface UsageRow {
  readonly name: string;
  readonly state: string;
  readonly cpu_percent: number | null;
  readonly rss_bytes: number | null;
  readonly pss_bytes: number | null;
}
interface PsOut {
  readonly units: UsageRow[];
  readonly total: { cpu_percent: number; rss_bytes: number; pss_bytes: number | null };
}

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

async function started(): Promise<Proj> {
  const p = tempProject({ 'procs.yaml': SPEC });
  projects.push(p);
  const up = await p.run(['up', '-d', '--wait']);
  assert.equal(up.code, 0, up.stderr);
  return p;
}

describe('usage in ps and top', () => {
  it('ps --json gives each running tree its CPU and memory as numbers, and their total', async () => {
    const p = await started();
    const r = await p.run(['ps', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as PsOut;
    const by = new Map(out.units.map((u) => [u.name, u]));
    const spin = by.get('spin');
    const idle = by.get('idle');
    const alloc = by.get('alloc');
    assert.ok(spin && idle && alloc);
    for (const u of [spin, idle, alloc]) {
      assert.equal(typeof u.cpu_percent, 'number', `${u.name} has a CPU figure`);
      assert.equal(typeof u.rss_bytes, 'number', `${u.name} has an RSS figure`);
    }
    // One core busy, even on a loaded machine, is far above a sleeping process.
    assert.ok((spin.cpu_percent ?? 0) >= 20, `the spinning unit uses CPU: ${spin.cpu_percent}`);
    assert.ok((idle.cpu_percent ?? 100) < 5, `the idle unit does not: ${idle.cpu_percent}`);
    // The memory is the child's: only counting the whole tree reaches it.
    assert.ok((alloc.rss_bytes ?? 0) >= ALLOC_MB * MB, `the tree's RSS holds the child's ${ALLOC_MB} MB: ${alloc.rss_bytes}`);
    if (alloc.pss_bytes !== null) assert.ok(alloc.pss_bytes >= ALLOC_MB * MB, `and so does its PSS: ${alloc.pss_bytes}`);
    assert.ok((alloc.rss_bytes ?? 0) > (idle.rss_bytes ?? 0) + (ALLOC_MB / 2) * MB);
    // A unit that has ended shows none.
    assert.deepEqual(
      [by.get('once')?.state, by.get('once')?.cpu_percent, by.get('once')?.rss_bytes, by.get('once')?.pss_bytes],
      ['completed', null, null, null],
    );
    const rss = [spin, idle, alloc].reduce((n, u) => n + (u.rss_bytes ?? 0), 0);
    assert.equal(out.total.rss_bytes, rss);

    const table = await p.run(['ps']);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.split('\n');
    assert.match(lines[0] ?? '', /^NAME\s+STATE\s+PID\s+CPU\s+MEM\s+PSS\s+RESTARTS\s+UPTIME\s+EXIT\s+HEALTH$/);
    assert.match(lines.find((l) => l.startsWith('alloc ')) ?? '', /^alloc\s+ready\s+\d+\s+\d+\.\d%\s+\d+\.\d MiB\s+/);
    assert.match(lines.find((l) => l.startsWith('once ')) ?? '', /^once\s+completed\s+-\s+-\s+-\s+-\s+0/);
    assert.match(lines.at(-1) ?? '', /^TOTAL\s+\d+\.\d%\s+\d+\.\d MiB/);
    // -q is unchanged: names only.
    assert.deepEqual((await p.run(['ps', '-q'])).stdout.split('\n'), ['spin', 'idle', 'alloc', 'once']);
  });

  it('top prints frames until Ctrl-C, then exits 0; it ends by itself when the project goes away', async () => {
    const p = await started();
    const frames = /^TOTAL\s/;
    const run = procs(['top', '-n', '0.2'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await run.waitForCount(frames, 2);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.text());
    // Frames are separated by a blank line, each a heading and the table.
    const text = run.stdout.join('\n');
    assert.match(text, /every 200ms\nNAME\s+STATE\s+PID\s+CPU\s+MEM\s+PSS/);
    assert.match(text, /^TOTAL .*\n\n\S+ {2}\d\d:\d\d:\d\d {2}every 200ms$/m);

    const second = procs(['top'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await second.waitFor(frames);
    assert.equal((await p.run(['down'])).code, 0);
    assert.equal(await second.exited, 0, second.text());
    assert.match(second.stderr.join('\n'), /procs top: the project in .* is no longer running/);
  });

  it('top without a running project fails as ps does', async () => {
    const p = tempProject({ 'procs.yaml': SPEC });
    projects.push(p);
    const r = await p.run(['top']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `procs top: no procs project is running in ${p.dir} (no .procs/procs.sock)`);
    assert.equal(r.stdout, '');
  });
});
