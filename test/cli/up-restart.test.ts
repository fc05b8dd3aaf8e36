// A foreground `procs up` whose only unit is restarted from another terminal keeps running and
// answering: between the stop and the start nothing is wanted, which is not the end of the project.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, MAIN, assertClean, procs, specProject } from '../helpers/cli.js';
import { waitFor, within } from '../helpers/processes.js';

describe('procs restart on a foreground up', () => {
  it('restarts its only unit twice; up keeps its control socket and stops cleanly after', async () => {
    const dir = specProject(`processes:\n  api:\n    command: ["node", "${join(BIN, 'hang.js')}"]\n`);
    const up = procs(['up'], { cwd: dir });
    await waitFor(() => existsSync(join(dir, '.procs/procs.sock')), 'the control socket');
    for (const _ of [1, 2]) {
      const r = spawnSync(process.execPath, [MAIN, 'restart', 'api'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    }
    const ps = spawnSync(process.execPath, [MAIN, 'ps'], { cwd: dir, encoding: 'utf8' });
    assert.equal(ps.status, 0, `${ps.stdout}${ps.stderr}`);
    assert.match(ps.stdout, /api +running/);
    up.child.kill('SIGTERM');
    assert.equal(await within(up.exited, 30_000, 'procs up to stop'), 0);
    await assertClean(up);
  });
});
