// systemd-analyze verify over exported unit files: the real tool where it is installed (skipped
// otherwise), a broken file named in a problem line, user units verified too, and the private
// temporary folder removed.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it, type TestContext } from 'node:test';
import { systemdVersion, verifyProblems, verifyUnitFiles, type UnitFile } from '../../src/proc/systemd-analyze.js';

const GOOD: UnitFile = {
  path: 'app-web.service',
  content: [
    '[Unit]',
    'Description=web',
    'PartOf=app.target',
    '',
    '[Service]',
    'Type=exec',
    'ExecStart=/bin/sleep 100',
    'Restart=on-failure',
    'RestartSec=250ms',
    'RestartSteps=7',
    'RestartMaxDelaySec=30s',
    '',
    '[Install]',
    'WantedBy=app.target',
    '',
  ].join('\n'),
};
const TARGET: UnitFile = { path: 'app.target', content: '[Unit]\nDescription=app\nWants=app-web.service\n\n[Install]\nWantedBy=default.target\n' };
const BROKEN: UnitFile = { path: 'app-bad.service', content: '[Service]\nType=exec\nExecStart=/bin/true\nRestratSec=1s\n' };

describe('verifyUnitFiles', () => {
  let tmp = '';
  let before: string | undefined;
  beforeEach(() => {
    // A temporary folder of this test's own, to see that nothing is left in it.
    before = process.env.TMPDIR;
    tmp = mkdtempSync(path.join(os.tmpdir(), 'procs-verify-test-'));
    process.env.TMPDIR = tmp;
  });
  afterEach(() => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(tmp, { recursive: true, force: true });
  });

  async function verified(t: TestContext, files: readonly UnitFile[], user = false): Promise<readonly string[] | undefined> {
    const r = await verifyUnitFiles(files, { user });
    assert.deepEqual(readdirSync(tmp), [], 'the temporary folder is removed');
    if (!r.available) t.skip('systemd-analyze is not installed here');
    return r.available ? r.problems : undefined;
  }

  it('accepts good units, RestartSteps= included on a systemd older than 254', async (t) => {
    const problems = await verified(t, [GOOD, TARGET]);
    if (problems) assert.deepEqual(problems, []);
  });

  it('names a broken file and its line', async (t) => {
    const problems = await verified(t, [GOOD, BROKEN, TARGET]);
    if (problems) assert.deepEqual(problems, ["app-bad.service:4: Unknown key 'RestratSec' in section [Service], ignoring."]);
  });

  it('verifies user units (as system units where no user manager can start)', async (t) => {
    const problems = await verified(t, [GOOD, TARGET], true);
    if (problems) assert.deepEqual(problems, []);
    const broken = await verified(t, [BROKEN], true);
    if (broken) assert.equal(broken.length, 1);
  });
});

describe('verifyProblems', () => {
  it('leaves out the folder, a command missing here, and keys newer than this systemd', () => {
    const out = [
      "/tmp/d/a.service:3: Unknown key 'RestartSteps' in section [Service], ignoring.",
      "/tmp/d/a.service:4: Unknown key 'Bogus' in section [Service], ignoring.",
      'a.service: Command redis-server is not executable: No such file or directory',
      '',
    ].join('\n');
    assert.deepEqual(verifyProblems(out, '/tmp/d', 252), ["a.service:4: Unknown key 'Bogus' in section [Service], ignoring."]);
    assert.equal(verifyProblems(out, '/tmp/d', undefined).length, 2);
    assert.equal(systemdVersion('systemd 252 (252.39-1~deb12u2)\n+PAM'), 252);
  });
});
