// A spec written as procs.config.mjs, end to end: `procs up` runs it (its function export gets the
// environment), a foreground `up` reloads when the file changes, `up -d` then `procs reload`
// import the edited file afresh, and `procs validate` names the file and key path of a problem.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { psJson, tempProject, type Proj } from '../control/helpers.js';
import { assertClean, procs, project, removeProject } from '../helpers/cli.js';

const NODE = JSON.stringify(process.execPath);
const HANG = "console.log('up ' + process.argv.slice(2).join(' ')); setInterval(() => {}, 1 << 30);\n";
/** A function config: one unit per name, each running hang.js with its name and $GREETING. */
const config = (...names: string[]): string =>
  `export default (env) => ({ version: 1, processes: { ${names.map((n) => `${n}: { command: [${NODE}, 'hang.js', '${n}', env.GREETING ?? 'none'] }`).join(', ')} } });\n`;

const projects: Proj[] = [];
const dirs: string[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
  dirs.forEach(removeProject);
});

describe('a procs.config.mjs spec', () => {
  it('runs in the foreground with the environment, and a saved edit reloads it', async () => {
    const dir = project({ 'procs.config.mjs': config('a'), 'hang.js': HANG });
    dirs.push(dir);
    const run = procs(['up'], { cwd: dir, env: { GREETING: 'hello' } });
    await run.waitFor(/a\s+\| up a hello$/);
    writeFileSync(join(dir, 'procs.config.mjs'), config('a', 'b'));
    await run.waitFor(/b\s+\| up b hello$/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.text());
    await assertClean(run);
  });

  it('runs with up -d; procs reload imports the edited file afresh', async () => {
    const p = tempProject({ 'procs.config.mjs': config('a'), 'hang.js': HANG });
    projects.push(p);
    const up = await p.run(['up', '-d'], { GREETING: 'hi' });
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(
      (await psJson(p)).units.map((u) => `${u.name}:${u.state}`),
      ['a:running'],
    );
    writeFileSync(join(p.dir, 'procs.config.mjs'), config('a', 'c'));
    const r = await p.run(['reload']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'reloaded: start c');
    writeFileSync(join(p.dir, 'procs.config.mjs'), "export default { processes: { a: { command: 'x', restart: 'sometimes' } } };\n");
    const broken = await p.run(['reload']);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /\n {2}procs\.config\.mjs {2}processes\.a\.restart must be one of /);
  });

  it('procs validate names the file and the key path; a throwing module is one line, no stack', async () => {
    const dir = project({ 'procs.config.mjs': "export default { processes: { api: { comand: 'x' } } };\n" });
    dirs.push(dir);
    const bad = procs(['validate'], { cwd: dir });
    assert.equal(await bad.exited, 2);
    assert.match(bad.stderr.join('\n'), /^procs\.config\.mjs {2}unknown key `comand` in processes\.api; did you mean `command`\?$/m);
    writeFileSync(join(dir, 'procs.config.mjs'), "throw new Error('DATABASE_URL is not set');\n");
    const thrown = procs(['validate'], { cwd: dir });
    assert.equal(await thrown.exited, 2);
    assert.deepEqual(
      thrown.stderr.filter((l) => l.trim() !== ''),
      ['procs.config.mjs  cannot load the module: DATABASE_URL is not set'],
    );
  });
});
