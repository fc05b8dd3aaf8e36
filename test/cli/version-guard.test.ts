// The Node version check before anything loads: the bundle run by a Node 20 from npm says, for
// every command, one line naming the Node it needs and the one it found, and exits 2; on the
// Node running the tests (a supported one) the same commands work.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { MAIN, project, removeProject } from '../helpers/cli.js';
import { node20 } from '../helpers/node20.js';

const SPEC = 'version: 1\nprocesses:\n  hello: { command: "echo hello from procs", restart: never }\n';
const COMMANDS = [['up'], ['validate'], ['ps'], ['doctor'], ['down'], ['logs'], ['run', '--', 'true'], ['schema'], ['--help'], ['--version'], []];

describe('the Node version check', () => {
  const dir = project({ 'procs.yaml': SPEC });
  after(() => removeProject(dir));

  it('refuses every command on Node 20 with one line and exit 2', () => {
    const node = node20();
    const old = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim().slice(1);
    assert.match(old, /^20\./);
    for (const args of COMMANDS) {
      const r = spawnSync(node, [MAIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.stderr, `procs needs Node.js 22.22 or newer; this is ${old}\n`, `procs ${args.join(' ')}`);
      assert.equal(r.stdout, '', `procs ${args.join(' ')}`);
      assert.equal(r.status, 2, `procs ${args.join(' ')}`);
    }
  });

  it('runs the same commands on a supported Node', () => {
    const validate = spawnSync(process.execPath, [MAIN, 'validate'], { cwd: dir, encoding: 'utf8' });
    assert.equal(validate.status, 0, validate.stderr);
    const up = spawnSync(process.execPath, [MAIN, 'up'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stdout, /hello from procs/);
  });
});
