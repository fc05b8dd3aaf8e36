// Process hosts own their state: two in one process (the spawner's and Node's, or two spawners)
// start, record and stop their units apart, and one losing its spawner leaves the other alone.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createHost } from '../../src/proc/create-host.js';
import { NodeHost } from '../../src/proc/node-host.js';
import { readProc } from '../../src/proc/procfs.js';
import { spawnerBinary } from '../../src/proc/spawner.js';
import { useProcessTracker, waitFor, within } from '../helpers/processes.js';
import { CollectingSink } from '../helpers/sink.js';
import { DEFAULT_STOP, processUnit } from '../helpers/units.js';

const tracker = useProcessTracker();
const dir = mkdtempSync(join(tmpdir(), 'procs-hosts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sleeper = (name: string) => processUnit(name, { kind: 'exec', file: 'sleep', args: ['30'] });

// The pgids in a group record file (none while it is missing).
function recorded(file: string): number[] {
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { pgid: number }[]).map((g) => g.pgid).sort();
}

describe('two process hosts in one process', () => {
  it('start, record and stop their own units: the spawner host and a Node host', async () => {
    const a = createHost();
    const b = new NodeHost();
    const [fileA, fileB] = [join(dir, 'a.json'), join(dir, 'b.json')];
    a.recordGroupsIn(fileA);
    b.recordGroupsIn(fileB);
    const ua = tracker.add(a.spawnUnit(sleeper('a'), new CollectingSink()));
    const ub = tracker.add(b.spawnUnit(sleeper('b'), new CollectingSink()));
    const [pa, pb] = [ua.pid ?? 0, ub.pid ?? 0];
    assert.ok(pa > 0 && pb > 0);
    // Units through the spawner are its children; through Node, this process's.
    if (a.backend === 'spawner') assert.equal(readProc(pa)?.ppid, a.spawnerPid());
    assert.equal(readProc(pb)?.ppid, process.pid);
    assert.equal(b.spawnerPid(), undefined, 'a Node host runs no spawner');
    await waitFor(() => recorded(fileA).join() === String(pa) && recorded(fileB).join() === String(pb), "each record holds its own host's group only");

    assert.deepEqual(await a.stopUnit(ua, DEFAULT_STOP), { forced: false });
    assert.equal(readProc(pb)?.state !== undefined, true, "the other host's unit still runs");
    await waitFor(() => !existsSync(fileA), 'the emptied record removed');
    assert.deepEqual(recorded(fileB), [pb]);
    assert.deepEqual(await b.stopUnit(ub, DEFAULT_STOP), { forced: false });
    await waitFor(() => !existsSync(fileB), 'the other record removed too');
  });

  it(
    "run a spawner each: killing one host's spawner leaves the other's units running",
    { skip: spawnerBinary() === undefined ? 'no spawner here' : false },
    async () => {
      const a = createHost();
      const b = createHost();
      const ua = tracker.add(a.spawnUnit(sleeper('a'), new CollectingSink()));
      const ub = tracker.add(b.spawnUnit(sleeper('b'), new CollectingSink()));
      const [sa, sb] = [a.spawnerPid(), b.spawnerPid()];
      assert.ok(sa !== undefined && sb !== undefined && sa !== sb, 'two spawners');
      process.kill(sa, 'SIGKILL');
      assert.equal((await within(ua.exited, 10_000, 'the unit of the killed spawner to end')).signal, 'SIGKILL');
      assert.equal(a.spawnerPid(), undefined);
      assert.equal(b.spawnerPid(), sb, 'the other spawner runs on');
      assert.ok(readProc(ub.pid ?? 0) !== undefined, 'and so does its unit');
      // The first host starts units through Node from now on; the second still through its spawner.
      const next = tracker.add(a.spawnUnit(sleeper('a2'), new CollectingSink()));
      assert.equal(readProc(next.pid ?? 0)?.ppid, process.pid);
      const more = tracker.add(b.spawnUnit(sleeper('b2'), new CollectingSink()));
      assert.equal(readProc(more.pid ?? 0)?.ppid, sb);
      await Promise.all([a.stopUnit(next, DEFAULT_STOP), b.stopUnit(ub, DEFAULT_STOP), b.stopUnit(more, DEFAULT_STOP)]);
    },
  );
});
