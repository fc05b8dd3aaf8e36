// The startup recorder looks at the units' states once per turn of the event loop in which units
// changed, not once per event: N units started in one turn cost one look, not N (an O(N²) start).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StartupRecorder } from '../../src/app/startup-history.js';
import type { ProcsEvent, UnitState } from '../../src/events/types.js';
import { projectPaths } from '../../src/rundir/paths.js';
import { processUnit, sh } from '../helpers/units.js';

const N = 200;

test('N spawns in one turn read the states once, and the settled startup is recorded', () => {
  const root = mkdtempSync(join(tmpdir(), 'procs-recorder-'));
  try {
    mkdirSync(join(root, '.procs'));
    const units = Array.from({ length: N }, (_, i) => processUnit(`u${i}`, sh('sleep 1')));
    const states = new Map<string, UnitState>(units.map((u) => [u.name, 'inactive']));
    const events: ProcsEvent[] = [{ ts: new Date(0).toISOString(), unit: 'procs', type: 'start' } as unknown as ProcsEvent];
    const deferred: (() => void)[] = [];
    let looks = 0;
    const recorder = new StartupRecorder({
      root,
      units: () => units,
      states: () => {
        looks++;
        return units.map((u) => ({ name: u.name, state: states.get(u.name) ?? 'inactive' }));
      },
      events: () => events,
      onError: (e) => assert.fail(e),
      defer: (check) => void deferred.push(check),
    });
    recorder.arm();
    units.forEach((u, i) => {
      states.set(u.name, 'running');
      const e = { ts: new Date(1 + i).toISOString(), unit: u.name, type: 'spawn', pid: 1000 + i, attempt: 1, state: 'running' } as ProcsEvent;
      events.push(e);
      recorder.event(e);
    });
    // The turn is over: the deferred checks run.
    for (const check of deferred.splice(0)) check();
    assert.equal(looks, 1);
    const history = readFileSync(projectPaths(root).startup, 'utf8');
    assert.match(history, /u199/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
