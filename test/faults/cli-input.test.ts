// Bad input at the command line against a running project: mistyped commands and flags get a
// suggestion, bad counts and unknown or prototype-named units a clear error, all with exit 2,
// and the project is exactly as it was afterwards.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { psJson, tempProject, type Proj } from '../control/helpers.js';
import { faults, figure } from './support.js';

const SPEC = `version: 1
processes:
  web:
    command: "exec sleep 1000"
    health:
      readiness: { exec: "false", interval: 1s }
  gated:
    command: "exec sleep 1000"
    depends_on: { web: healthy }
pools:
  w: { command: "exec sleep 1000", replicas: 2 }
`;

// argv → the exit code and a pattern the error must match.
const CASES: [string[], RegExp][] = [
  [['upp'], /unknown command 'upp'; did you mean 'up'\?/],
  [['stauts'], /unknown command 'stauts'/],
  [['up', '--detatch'], /unknown option '--detatch'.*did you mean '--detach'\?/],
  [['ps', '--jsn'], /did you mean '--json'\?/],
  [['logs', '--folow'], /did you mean '--follow'\?/],
  [['down', '--timeout'], /--timeout needs a value/],
  [['up', '-d', '--abort-on-failure'], /--abort-on-failure cannot be combined with -d/],
  [['up', '--wait', '--exit-code-from', 'web'], /--exit-code-from cannot be combined with --wait/],
  [['scale', 'w=-1'], /expected POOL=N with N a whole number from 0 to 1024, got 'w=-1'/],
  [['scale', 'w=abc'], /got 'w=abc'/],
  [['scale', 'w=1.5'], /got 'w=1\.5'/],
  [['scale', 'w=99999'], /got 'w=99999'/],
  [['scale', 'w'], /got 'w'/],
  [['scale'], /name the pools and their sizes/],
  [['scale', 'web=3'], /no pool named 'web'/],
  [['scale', 'constructor=2'], /no pool named 'constructor'/],
  [['scale', 'w=3', 'nosuch=1'], /no pool named 'nosuch'/],
  [['restart', 'nosuch'], /no unit named 'nosuch'/],
  [['restart', 'constructor'], /no unit named 'constructor'/],
  [['stop', '__proto__'], /no unit named '__proto__'/],
  [['help', 'strat'], /no command 'strat'; did you mean 'start'\?/],
  [['logs', 'neverran'], /no unit named 'neverran'/],
  [['logs', '-n', '-5', 'web'], /-n expects a whole number of lines \(or all\), got '-5'/],
  [['logs', '-n', 'many'], /-n expects a whole number of lines \(or all\), got 'many'/],
];

faults('bad input at the command line', () => {
  const projects: Proj[] = [];
  after(async () => {
    for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
  });

  it('answers with a suggestion or a clear error, exit 2, and changes nothing', async (t) => {
    const p = tempProject({ 'procs.yaml': SPEC });
    projects.push(p);
    assert.equal((await p.run(['up', '-d'])).code, 0);
    const before = await psJson(p);
    const eventsBefore = p.events().filter((e) => e.type !== 'unhealthy').length;
    for (const [argv, expected] of CASES) {
      const r = await p.run(argv);
      assert.equal(r.code, 2, `procs ${argv.join(' ')} exited ${r.code}: ${r.stderr}`);
      assert.match(r.stderr, expected, `procs ${argv.join(' ')}`);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, `procs ${argv.join(' ')}`);
    }
    // A declared unit that never ran (waiting on a dependency) has no output: said plainly, exit 0.
    const never = await p.run(['logs', 'gated']);
    assert.equal(never.code, 0, never.stderr);
    assert.doesNotMatch(`${never.stdout}${never.stderr}`, /internal error/);
    const afterward = await psJson(p);
    const shape = (s: typeof before): string[] => s.units.map((u) => `${u.name} ${u.state} ${u.pid ?? '-'} ${u.restarts}`);
    assert.deepEqual(shape(afterward), shape(before), 'a rejected command changed the project');
    assert.equal(p.events().filter((e) => e.type !== 'unhealthy').length, eventsBefore, 'a rejected command left an event');
    figure(t, 'bad command lines tried', CASES.length + 1);
  });
});
