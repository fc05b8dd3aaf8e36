// What procs refuses before it starts anything, as users meet it: a spec with nothing to run, a
// `-m` count out of range, a duration too long for a timer; and what it echoes of names and values
// the user wrote, with control characters made visible.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAIN, project, removeProject } from '../helpers/cli.js';
import { NODE, tempProject, type Proj } from '../control/helpers.js';

/** Runs procs to its end; a command that would not end is killed at the bound and fails the test. */
const procsSync = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(r.signal, null, `procs ${args.join(' ')} did not end by itself: ${r.stdout}${r.stderr}`);
  return r;
};

describe('spec refusals and escaped echoes', () => {
  const dirs: string[] = [];
  const projects: Proj[] = [];
  after(async () => {
    dirs.forEach(removeProject);
    for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
  });

  it('a spec or Procfile with nothing to run ends up, run and validate at once with exit 2 and the reason', () => {
    const specs: Record<string, string>[] = [{ 'procs.yaml': 'version: 1\n' }, { Procfile: '# nothing yet\n\n' }, { Procfile: '+foo: bar\n' }];
    for (const files of specs) {
      const dir = project(files);
      dirs.push(dir);
      for (const args of [['up'], ['run', '--', 'true'], ['validate']]) {
        const r = procsSync(args, dir);
        assert.equal(r.status, 2, `${args.join(' ')} in ${JSON.stringify(files)}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /:1:1 {2}nothing to run: no processes, pools or pipelines are defined/);
      }
    }
  });

  it('-m out of range is refused with exit 2 before any instance is built', () => {
    const dir = project({ 'procs.yaml': 'version: 1\npools:\n  w: { command: "sleep 1" }\n' });
    dirs.push(dir);
    for (const args of [
      ['up', '-m', 'w=100000'],
      ['up', '-d', '-m', 'w=1025'],
      ['run', '-m', 'all=99999999999', '--', 'true'],
    ]) {
      const t0 = Date.now();
      const r = procsSync(args, dir);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /-m \S+ is out of range: counts go from 0 to 1024/);
      assert.ok(Date.now() - t0 < 10_000, `${args.join(' ')} took ${Date.now() - t0} ms`);
    }
  });

  it('durations on the command line are bounded like those of the spec', () => {
    const dir = project({ 'procs.yaml': 'version: 1\nprocesses:\n  a: { command: "sleep 1" }\n' });
    dirs.push(dir);
    for (const [args, flag] of [
      [['run', '--wait-timeout', '1000h', '--', 'true'], '--wait-timeout'],
      [['up', '-d', '--wait', '--wait-timeout', '577h'], '--wait-timeout'],
      [['down', '--timeout', '2073601'], '--timeout'],
    ] as const) {
      const r = procsSync([...args], dir);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`${flag} expects a duration .*at most 24 days \\(576h\\)`));
    }
  });

  it('control characters in keys, values, arguments and file names are shown escaped, never sent raw', () => {
    const dir = project({ 'procs.yaml': 'version: 1\nprocesses:\n  api:\n    command: x\n    "evil\\e[2J": 1\n    stop: { signal: "TERM\\e]0;owned\\a" }\n' });
    dirs.push(dir);
    const r = procsSync(['validate'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown key `evil\\x1b\[2J`/);
    assert.match(r.stderr, /bad signal `TERM\\x1b\]0;owned\\x07`/);
    const arg = procsSync(['up', '-m', 'w\x1b[2J=1'], dir);
    assert.equal(arg.status, 2);
    assert.match(arg.stderr, /got 'w\\x1b\[2J=1'/);
    for (const out of [r.stderr, arg.stderr]) assert.ok(!out.includes('\x1b') && !out.includes('\x07'), out);
  });

  it('a project named after a folder with control characters is shown escaped', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'procs-test-'));
    dirs.push(parent);
    const dir = join(parent, 'demo\x1b[2J\x1b[31m');
    mkdirSync(dir);
    const p = tempProject({ 'procs.yaml': `version: 1\nprocesses:\n  a: { command: [${NODE}, "-e", "setInterval(() => {}, 1 << 30)"] }\n` }, dir);
    projects.push(p);
    const up = await p.run(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /procs: started demo\\x1b\[2J\\x1b\[31m in the background/);
    const again = await p.run(['up', '-d']);
    assert.match(again.stdout, /procs: demo\\x1b\[2J\\x1b\[31m is already running/);
    const down = await p.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    for (const out of [up.stdout, again.stdout, down.stdout]) assert.ok(!out.includes('\x1b'), out);
  });
});
