// Stopping many units at once shares reads of /proc between them: each unit's stop used to read
// the whole machine afresh, so stopping N units read /proc N times over (1,000 units took 86 s under load).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { realClock } from '../../src/base/clock.js';
import { createHost } from '../../src/proc/create-host.js';
import { ChannelWatch } from '../../src/proc/holders.js';
import { ProcScans, scanProcs } from '../../src/proc/procfs.js';
import { stopUnit, type TreeContext } from '../../src/proc/tree.js';
import { survivors, useProcessTracker } from '../helpers/processes.js';
import { CollectingSink } from '../helpers/sink.js';
import { processUnit, sh } from '../helpers/units.js';

const host = createHost();
const tracker = useProcessTracker();
const N = 16;

test(`stopping ${N} units at once reads /proc far fewer than ${N} times`, async () => {
  const sink = new CollectingSink();
  const units = Array.from({ length: N }, (_, i) => tracker.add(host.spawnUnit(processUnit(`s${i}`, sh('echo up; exec sleep 600')), sink)));
  await Promise.all(units.map((_, i) => sink.waitForLine(/up/, `s${i}`)));
  let reads = 0;
  const ctx: TreeContext = {
    scans: new ProcScans(() => {
      reads++;
      return scanProcs();
    }),
    channels: new ChannelWatch(),
    guard: { guardPid: () => undefined, releaseGroup: () => undefined },
  };
  const results = await Promise.all(units.map((u) => stopUnit(ctx, u, { signal: 'SIGTERM', timeoutMs: 10_000 }, realClock)));
  assert.deepEqual(
    results.map((r) => r.forced),
    units.map(() => false),
  );
  assert.deepEqual(survivors({ pgids: units.map((u) => u.pgid ?? -1) }), []);
  assert.ok(reads <= N / 2, `${reads} reads of /proc for ${N} units`);
});
