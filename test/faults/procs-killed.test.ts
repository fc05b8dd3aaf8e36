// procs itself killed with SIGKILL, in the foreground, as a daemon and as `procs run`: no unit
// survives it (the guardian ends them, escaped descendants and SIGTERM-ignoring ones too), nor
// does `procs run`'s command, and the next `up` or `run` finds the stale pid file and socket,
// clears them and runs the project again.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { BIN, procs, taggedProcesses } from '../helpers/cli.js';
import { psJson, tempProject, type Proj } from '../control/helpers.js';
import { faults, figure, until } from './support.js';

const NODE = JSON.stringify(process.execPath);
const bin = (name: string): string => JSON.stringify(join(BIN, name));
const SPEC = `version: 1
processes:
  plain: { command: [${NODE}, ${bin('hang.js')}] }
  stubborn: { command: [${NODE}, ${bin('ignore-term.js')}] }
  escaper: { command: [${NODE}, ${bin('grandchild.js')}, escape] }
  shell: { command: "${process.execPath} ${join(BIN, 'hang.js')} & exec ${process.execPath} ${join(BIN, 'hang.js')}" }
pools:
  w: { command: [${NODE}, ${bin('hang.js')}], replicas: 4 }
`;
/** Processes the spec starts: 4 pool instances, plain, stubborn, escaper and its child, shell's two. */
const EXPECTED = 10;

faults('procs killed with SIGKILL', () => {
  const projects: Proj[] = [];
  after(async () => {
    for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
  });

  /** Brings the project up again over the stale files, checks it answers, and takes it down. */
  async function upAgain(p: Proj): Promise<void> {
    assert.ok(existsSync(join(p.dir, '.procs/procs.pid')), 'the pid file was left behind');
    const again = await p.run(['up', '-d']);
    assert.equal(again.code, 0, again.stderr);
    const status = await psJson(p);
    assert.equal(status.units.length, 8);
    await until(() => taggedProcesses(p.tag).length >= EXPECTED + 1, 'the project running again');
    const down = await p.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.ok(!existsSync(join(p.dir, '.procs/procs.pid')) && !existsSync(join(p.dir, '.procs/procs.sock')), 'down removed pid file and socket');
    await until(() => taggedProcesses(p.tag).length === 0, 'nothing left after down', 10_000);
  }

  it('a foreground up: every unit ends, and the next up clears the stale state', async (t) => {
    const p = tempProject({ 'procs.yaml': SPEC });
    projects.push(p);
    const run = procs(['up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await run.waitForCount(/\| ready$/, 7);
    await run.waitFor(/escaper\s+\| child \d+$/);
    await until(() => taggedProcesses(p.tag).length >= EXPECTED + 1, 'every unit process');
    const before = taggedProcesses(p.tag).length;
    run.child.kill('SIGKILL');
    await run.exited;
    await until(() => taggedProcesses(p.tag).length === 0, 'every unit of the killed procs to end', 15_000);
    figure(t, 'processes ended by the guardian (foreground)', before - 1);
    await upAgain(p);
  });

  it('a daemon: every unit ends, and the next up -d clears the stale pid file and socket', async (t) => {
    const p = tempProject({ 'procs.yaml': SPEC });
    projects.push(p);
    const up = await p.run(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    const daemon = Number(readFileSync(join(p.dir, '.procs/procs.pid'), 'utf8'));
    await until(() => taggedProcesses(p.tag).length >= EXPECTED + 1, 'every unit process');
    const before = taggedProcesses(p.tag).length;
    process.kill(daemon, 'SIGKILL');
    await until(() => taggedProcesses(p.tag).length === 0, 'every unit of the killed daemon to end', 15_000);
    assert.ok(existsSync(join(p.dir, '.procs/procs.sock')), 'the socket was left behind');
    const ps = await p.run(['ps']);
    assert.equal(ps.code, 1, 'a dead daemon is not a running project');
    figure(t, 'processes ended by the guardian (daemon)', before - 1);
    await upAgain(p);
  });

  it('a procs run: its command, its descendants and every unit end, and the next run takes the project', async (t) => {
    const p = tempProject({ 'procs.yaml': SPEC });
    projects.push(p);
    const hang = `${process.execPath} ${join(BIN, 'ignore-term.js')}`;
    const cmd = `${hang} & exec ${process.execPath} ${join(BIN, 'grandchild.js')} escape`;
    const run = procs(['run', '--', cmd], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await run.waitFor(/^child \d+$/);
    await run.waitFor(/^ready$/);
    // Units, then CMD's three: the SIGTERM-ignoring one, grandchild.js and its escaped child.
    await until(() => taggedProcesses(p.tag).length >= EXPECTED + 1 + 3, 'every unit and command process');
    const before = taggedProcesses(p.tag).length;
    run.child.kill('SIGKILL');
    await run.exited;
    await until(() => taggedProcesses(p.tag).length === 0, 'every process of the killed procs run to end', 15_000);
    figure(t, 'processes ended by the guardian (procs run)', before - 1);
    assert.ok(existsSync(join(p.dir, '.procs/procs.pid')), 'the pid file was left behind');
    const again = await p.run(['run', 'plain', '--', 'true']);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(!existsSync(join(p.dir, '.procs/procs.pid')), 'the run gave the lock back');
  });
});
