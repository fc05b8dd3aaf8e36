// procs killed with SIGKILL while units run on pseudo-terminals: the programs, the pipeline's
// steps and every terminal helper's relay end with it, through the compiled helper and the
// python3 one, on the spawner and on Node's child_process.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { BIN, procs, taggedProcesses } from '../helpers/cli.js';
import { tempProject, type Proj } from '../control/helpers.js';
import { faults, figure, until } from './support.js';
import { cmdline } from '../helpers/processes.js';

const NODE = JSON.stringify(process.execPath);
const HANG = JSON.stringify(join(BIN, 'hang.js'));
const SPEC = `version: 1
processes:
  term: { command: [${NODE}, ${HANG}], tty: true }
  typed: { command: [${NODE}, ${HANG}], stdin: true }
pools:
  tw: { command: [${NODE}, ${HANG}], replicas: 2, tty: true }
pipelines:
  tp: { steps: [[${NODE}, ${HANG}], "cat"], tty: true }
`;
/** The units' hang.js processes: term, typed, two pool instances, the pipeline's first step. */
const HANGS = 5;
/** One relay per unit on a terminal: term, two pool instances, the pipeline. */
const RELAYS = 4;

faults('procs killed with SIGKILL, units on terminals', () => {
  const projects: Proj[] = [];
  after(async () => {
    for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
  });

  const variants = [
    ['the compiled helper, the spawner', {}],
    ['the python3 helper, Node’s child_process', { PROCS_TTY_HELPER: 'python', PROCS_SPAWNER: 'node' }],
  ] as const;
  for (const [name, env] of variants) {
    it(`leaves no unit, step, relay or helper behind (${name})`, async (t) => {
      const p = tempProject({ 'procs.yaml': SPEC });
      projects.push(p);
      const run = procs(['up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag, ...env } });
      const relays = (): number[] => taggedProcesses(p.tag).filter((pid) => /procs-tty/.test(cmdline(pid)) && pid !== run.child.pid);
      const hangs = (): number[] => taggedProcesses(p.tag).filter((pid) => /^[^\0]*node\0[^\0]*hang\.js\0$/.test(cmdline(pid)));
      await until(() => relays().length === RELAYS && hangs().length === HANGS, 'every unit and relay running');
      const before = taggedProcesses(p.tag).length;
      run.child.kill('SIGKILL');
      await run.exited;
      await until(() => taggedProcesses(p.tag).length === 0, 'every unit, step and relay of the killed procs to end', 15_000);
      figure(t, `processes ended with the killed procs (${name})`, before - 1);
    });
  }
});
