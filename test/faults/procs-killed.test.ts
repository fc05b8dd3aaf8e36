// procs itself killed with SIGKILL, in the foreground, as a daemon and as `procs run`: no unit
// survives it (the guardian ends them, escaped descendants and SIGTERM-ignoring ones too), nor
// does `procs run`'s command, and the next `up` or `run` finds the stale pid file and socket,
// clears them and runs the project again.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { BIN, procs, taggedProcesses } from '../helpers/cli.js';
import { psJson, tempProject, type Proj } from '../control/helpers.js';
import { faults, figure, until } from './support.js';

const NODE = JSON.stringify(process.execPath);
const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};
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

  it('a foreground up killed during an exec probe: the probe and what it started end too', async () => {
    // The probe is guarded like a unit while it runs: killed with procs, it does not linger.
    const marker = `probe-${Date.now()}`;
    const spec = `version: 1
processes:
  api:
    command: [${NODE}, ${bin('hang.js')}]
    health:
      readiness: { exec: [${NODE}, ${bin('hang.js')}, ${JSON.stringify(marker)}], interval: 100ms, timeout: 1h }
`;
    const p = tempProject({ 'procs.yaml': spec });
    projects.push(p);
    const probes = (): number[] => taggedProcesses(p.tag).filter((pid) => cmdline(pid).includes(marker));
    const run = procs(['up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await run.waitFor(/api\s+\| ready$/);
    await until(() => probes().length === 1, 'the exec probe running');
    run.child.kill('SIGKILL');
    await run.exited;
    await until(() => taggedProcesses(p.tag).length === 0, 'the unit and its probe to end with the killed procs', 15_000);
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

  /** The daemon's guard: the spawner or the shell guardian (children of the daemon, not units). */
  function guardsOf(daemon: number): number[] {
    return readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .map(Number)
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          return ppid === daemon && /procs-spawner|procs-guardian/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
        } catch {
          return false;
        }
      });
  }

  /** Kills the daemon and its guard together (the guard stopped first, so it cannot act): the units are orphaned. */
  async function killDaemonAndGuard(p: Proj, env: Record<string, string>): Promise<number> {
    const up = await p.run(['up', '-d'], env);
    assert.equal(up.code, 0, up.stderr);
    const daemon = Number(readFileSync(join(p.dir, '.procs/procs.pid'), 'utf8'));
    await until(() => taggedProcesses(p.tag).length >= ORPHANS + 1, 'every unit process');
    // The record is written once per turn of procs' event loop: wait for the turn after the last spawn.
    const recorded = (): number =>
      existsSync(join(p.dir, '.procs/groups.json')) ? (JSON.parse(readFileSync(join(p.dir, '.procs/groups.json'), 'utf8')) as unknown[]).length : 0;
    await until(() => recorded() === GROUPS, 'every group in the record');
    // Every unit has written its line: one killed before that would die of EPIPE, not be orphaned.
    const readyLines = (): number =>
      !existsSync(join(p.dir, '.procs/logs'))
        ? 0
        : readdirSync(join(p.dir, '.procs/logs')).reduce(
            (n, f) => n + (readFileSync(join(p.dir, '.procs/logs', f), 'utf8').match(/ out ready$/gm)?.length ?? 0),
            0,
          );
    await until(() => readyLines() === ORPHANS, 'every unit to say ready');
    const guards = guardsOf(daemon);
    assert.equal(guards.length, 1, 'one guard runs');
    for (const g of guards) process.kill(g, 'SIGSTOP');
    const stateOf = (pid: number): string => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    };
    await until(() => guards.every((g) => stateOf(g) === 'T'), 'the guard to stop');
    process.kill(daemon, 'SIGKILL');
    for (const g of guards) process.kill(g, 'SIGKILL');
    await until(() => !taggedProcesses(p.tag).includes(daemon), 'the daemon to go');
    const left = taggedProcesses(p.tag).length;
    assert.equal(left, ORPHANS, 'the units outlive procs and its guard');
    return left;
  }

  const ORPHAN_SPEC = `version: 1
processes:
  plain: { command: [${NODE}, ${bin('hang.js')}] }
  shell: { command: "${process.execPath} ${join(BIN, 'hang.js')} & exec ${process.execPath} ${join(BIN, 'hang.js')}" }
pools:
  w: { command: [${NODE}, ${bin('hang.js')}], replicas: 2 }
`;
  /** Processes ORPHAN_SPEC starts: plain, shell's two, two pool instances; in four groups. */
  const ORPHANS = 5;
  const GROUPS = 4;

  it('procs and its spawner both killed: down ends the orphaned units', async (t) => {
    const p = tempProject({ 'procs.yaml': ORPHAN_SPEC });
    projects.push(p);
    const left = await killDaemonAndGuard(p, {});
    const down = await p.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /ended 4 process groups .* left running by a procs that was killed/);
    await until(() => taggedProcesses(p.tag).length === 0, 'the orphans to be ended', 15_000);
    figure(t, 'orphaned processes ended by down', left);
  });

  it('procs and its shell guardian both killed: the next up -d ends the orphans before starting', async (t) => {
    const p = tempProject({ 'procs.yaml': ORPHAN_SPEC });
    projects.push(p);
    const left = await killDaemonAndGuard(p, { PROCS_SPAWNER: 'node' });
    const up = await p.run(['up', '-d'], { PROCS_SPAWNER: 'node' });
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /ended 4 process groups .* left running by a procs that was killed/);
    await until(() => taggedProcesses(p.tag).length >= ORPHANS + 1, 'the project running again');
    assert.equal(taggedProcesses(p.tag).length, ORPHANS + 1, 'one copy of the project runs');
    const down = await p.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    await until(() => taggedProcesses(p.tag).length === 0, 'nothing left after down', 10_000);
    figure(t, 'orphaned processes ended by up -d', left);
  });
});
