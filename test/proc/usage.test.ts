// What a unit's tree uses, read by the process host: the leader, a descendant in a session of its
// own (found through the parent chain) and one whose parent has exited (found through the output
// it holds) all count; a leader that is gone has no figures; CPU time grows while a unit spins.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { createHost } from '../../src/proc/create-host.js';
import { descendants, kernelUnits } from '../../src/proc/procfs.js';
import { trackPid, useProcessTracker, waitFor } from '../helpers/processes.js';
import { CollectingSink } from '../helpers/sink.js';
import { fx, processUnit } from '../helpers/units.js';

const host = createHost();
const tracker = useProcessTracker();
const TERM = { signal: 'SIGTERM', timeoutMs: 10_000 } as const;

async function start(name: string, command: Parameters<typeof processUnit>[1], ready: RegExp) {
  const sink = new CollectingSink();
  const unit = tracker.add(host.spawnUnit(processUnit(name, command), sink));
  const match = await sink.waitForLine(ready, name);
  return { unit, match };
}

describe('usage of unit trees', () => {
  it('reads the kernel units from the auxiliary vector, as getconf does', () => {
    const getconf = (name: string): number => Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    assert.deepEqual(kernelUnits(), { ticksPerSecond: getconf('CLK_TCK'), pageSize: getconf('PAGESIZE') });
  });

  it('counts a descendant in a session of its own, and one whose parent exited, through the output it holds', async () => {
    const { unit: direct, match: m1 } = await start('direct', fx('grandchild.js', 'escape'), /child (\d+)\n/);
    const { unit: orphan, match: m2 } = await start('orphan', fx('grandchild.js', 'escape', 'via-middle'), /child (\d+)\n/);
    for (const m of [m1, m2]) tracker.addPids(trackPid(Number(m[1]))?.pid ?? -1);
    await waitFor(() => descendants([orphan.pid ?? -1]).length === 0, 'the middle process to exit');
    const sample = host.sampleUsage([direct.pid ?? -1, orphan.pid ?? -1, 999_999_999]);
    for (const u of [direct, orphan]) {
      const tree = sample.trees.get(u.pid ?? -1);
      assert.equal(tree?.processes, 2, `${u.pid}: the leader and its child`);
      assert.ok((tree?.rssBytes ?? 0) > 2 * 10 * 1024 * 1024, 'two Node processes resident');
      assert.ok(tree?.pssBytes === null || (tree?.pssBytes ?? 0) > 0);
    }
    assert.equal(sample.trees.has(999_999_999), false, 'no tree for a pid that is not running');
    await Promise.all([host.stopUnit(direct, TERM), host.stopUnit(orphan, TERM)]);
    assert.equal(host.sampleUsage([direct.pid ?? -1]).trees.size, 0, 'none once the unit is gone');
  });

  it("a spinning unit's CPU time grows", async () => {
    const { unit } = await start('spin', fx('spin.js'), /spinning/);
    const ticks = (): number => host.sampleUsage([unit.pid ?? -1]).trees.get(unit.pid ?? -1)?.ticks ?? -1;
    const first = ticks();
    await waitFor(() => ticks() >= first + 10, 'a tenth of a second of CPU');
    await host.stopUnit(unit, TERM);
  });
});
