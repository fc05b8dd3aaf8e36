// `include:` and `extends:` as users run them: `procs config` prints the units they give (the keys
// themselves gone), `procs up` runs them, and a foreground `up` reloads when an included file is
// saved.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertClean, MAIN, procs, project, removeProject } from '../helpers/cli.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeProject));
const folder = (files: Record<string, string>): string => {
  const dir = project(files);
  dirs.push(dir);
  return dir;
};

const NODE = JSON.stringify(process.execPath);
/** Prints its name, its folder's base name and $MODE, then waits. */
const HANG = "console.log(`up ${process.argv[2]} in ${require('path').basename(process.cwd())} mode=${process.env.MODE}`); setInterval(() => {}, 1 << 30);\n";
const ROOT = `include: [svc/procs.yaml]
processes:
  web:
    command: [${NODE}, ../hang.cjs, web]
    cwd: app
    env: { MODE: web }
  admin:
    extends: web
    command: [${NODE}, ../hang.cjs, admin]
`;
const SVC = (...names: string[]): string =>
  `env: { MODE: svc }\nprocesses:\n${names.map((n) => `  ${n}: { command: [${NODE}, ../hang.cjs, ${n}] }\n`).join('')}`;
const files = (): Record<string, string> => ({ 'procs.yaml': ROOT, 'svc/procs.yaml': SVC('api'), 'hang.cjs': HANG, 'app/.keep': '' });

describe('include and extends', () => {
  it('procs config prints the resolved units, without include or extends; procs validate counts them', () => {
    const dir = folder(files());
    const r = spawnSync(process.execPath, [MAIN, 'config', '--json', '--show-values'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!/"(include|extends)"/.test(r.stdout), r.stdout);
    const data = JSON.parse(r.stdout) as { processes: Record<string, { cwd?: string; env?: Record<string, string>; command: string[] }> };
    assert.deepEqual(Object.keys(data.processes).sort(), ['admin', 'api', 'web']);
    assert.equal(data.processes.admin?.cwd, 'app', 'admin has web’s cwd');
    assert.equal(data.processes.admin?.env?.MODE, 'web');
    assert.equal(data.processes.admin?.command[2], 'admin');
    assert.equal(data.processes.api?.cwd, 'svc', 'an included unit runs in its file’s folder');
    assert.equal(data.processes.api?.env?.MODE, 'svc');
    const v = spawnSync(process.execPath, [MAIN, 'validate'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /ok \(3 units\)/);
  });

  it('procs up runs them, and saving an included file reloads the project', async () => {
    const dir = folder(files());
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/web\s+\| up web in app mode=web$/);
    await run.waitFor(/admin\s+\| up admin in app mode=web$/);
    await run.waitFor(/api\s+\| up api in svc mode=svc$/);
    writeFileSync(join(dir, 'svc/procs.yaml'), SVC('api', 'jobs'));
    await run.waitFor(/jobs\s+\| up jobs in svc mode=svc$/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.text());
    await assertClean(run);
  });
});
