// `procs config` (the resolved spec), `procs init` (a first procs.yaml) and the `.gitignore` of
// `.procs/`, as users run them: the built command in a temporary project.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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
const run = (args: string[], cwd: string) =>
  spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FROM_OUTSIDE: 's3cr3t-outside' } });

const BASE = `version: 1
env:
  API_KEY: k-123-secret
processes:
  api:
    command: node api.js --key \${API_KEY} --outside \${FROM_OUTSIDE}
    env: { PORT: 4000 }
    health:
      readiness:
        http: http://admin:pw-secret@127.0.0.1:4000/ready
  db:
    command: ["postgres", "-D", "data"]
`;
const OVERRIDE = `processes:
  api:
    env: { PORT: 4001 }
    stop: { timeout: 3s }
`;

describe('procs config', () => {
  it('prints the merged spec as YAML, values as <set>, and the output validates', () => {
    const dir = folder({ 'a.yaml': BASE, 'b.yaml': OVERRIDE, '.env': 'FROM_FILE=f-secret\n' });
    const r = run(['config', '-f', 'a.yaml', '-f', 'b.yaml'], dir);
    assert.equal(r.status, 0, r.stderr);
    for (const secret of ['k-123-secret', 's3cr3t-outside', 'pw-secret', '4001', 'admin']) assert.ok(!r.stdout.includes(secret), `${secret} is not printed`);
    assert.match(r.stdout, /command: node api\.js --key <set> --outside <set>\n/);
    assert.match(r.stdout, /http: http:\/\/<set>@127\.0\.0\.1:4000\/ready/);
    assert.match(r.stdout, /timeout: 3s/, 'the second file is merged in');
    assert.match(r.stdout, /max_restarts: 5/, 'defaults are filled in');
    writeFileSync(join(dir, 'resolved.yaml'), r.stdout);
    const v = run(['validate', '-f', 'resolved.yaml'], dir);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /ok \(2 units\)/);
  });

  it('--show-values prints the values; that output runs the same spec', () => {
    const dir = folder({ 'a.yaml': BASE, 'b.yaml': OVERRIDE });
    const r = run(['config', '-f', 'a.yaml', '-f', 'b.yaml', '--show-values'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /command: node api\.js --key k-123-secret --outside s3cr3t-outside\n/);
    assert.match(r.stdout, /PORT: "4001"/);
    writeFileSync(join(dir, 'resolved.yaml'), r.stdout);
    const again = run(['config', '-f', 'resolved.yaml', '--show-values'], dir);
    assert.equal(again.status, 0, again.stderr);
    const body = (text: string): string => text.replace(/^#.*\n/, '');
    assert.equal(body(again.stdout), body(r.stdout), 'the resolved spec resolves to itself');
  });

  it('--json prints the same as JSON', () => {
    const dir = folder({ 'procs.yaml': BASE });
    const r = run(['config', '--json'], dir);
    assert.equal(r.status, 0, r.stderr);
    const data = JSON.parse(r.stdout) as { processes: Record<string, { command: unknown; env?: Record<string, string> }> };
    assert.deepEqual(Object.keys(data.processes), ['api', 'db']);
    assert.deepEqual(data.processes.api?.env, { PORT: '<set>' });
    assert.deepEqual(data.processes.db?.command, ['postgres', '-D', 'data']);
  });

  it('maps a Procfile and -m counts', () => {
    const dir = folder({ Procfile: 'web: node web.js --port $PORT\nworker: node w.js\n' });
    const r = run(['config', '-m', 'worker=2', '--show-values'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /processes:\n {2}web:\n {4}command: node web\.js --port \$\$PORT\n/);
    assert.match(r.stdout, /pools:\n {2}worker:\n {4}command: node w\.js\n {4}replicas: 2\n {4}port: 5100\n/);
  });

  it('says the spec’s problems, positioned, and exits 2', () => {
    const dir = folder({ 'procs.yaml': 'processes:\n  a: { command: "x", restart: sometimes }\n' });
    const r = run(['config'], dir);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /procs\.yaml:2:\d+ .*restart/);
  });
});

describe('procs init', () => {
  const validates = (dir: string): void => {
    const v = run(['validate'], dir);
    assert.equal(v.status, 0, v.stderr);
  };

  it('writes procs.yaml from the Procfile, and says what to do next', () => {
    const dir = folder({ Procfile: 'web: node web.js --port $PORT\nworker: node worker.js\n' });
    const r = run(['init'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote .*procs\.yaml: 2 units \(web, worker\) from the Procfile\n/);
    assert.match(r.stdout, /procs up/);
    assert.match(readFileSync(join(dir, 'procs.yaml'), 'utf8'), /^# /);
    validates(dir);
  });

  it('writes procs.yaml from package.json scripts; with both, --from picks', () => {
    const pkg = JSON.stringify({ name: 'x', scripts: { start: 'node server.js', build: 'tsc' } });
    const only = folder({ 'package.json': pkg });
    const r = run(['init'], only);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 units \(build, start\) from the scripts of package\.json/);
    validates(only);
    const both = folder({ 'package.json': pkg, Procfile: 'web: npm start\n' });
    const p = run(['init', '--from', 'package'], both);
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /from the scripts of package\.json/);
    validates(both);
    const none = folder({ 'package.json': pkg });
    const missing = run(['init', '--from', 'procfile'], none);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no Procfile/);
    assert.equal(existsSync(join(none, 'procs.yaml')), false);
  });

  it('refuses to overwrite a spec, exit 2, naming it', () => {
    for (const [name, text] of [
      ['procs.yaml', 'processes: {}\n'],
      ['.procsrc', 'processes: {}\n'],
      ['package.json', JSON.stringify({ procs: { processes: {} } })],
    ] as const) {
      const dir = folder({ [name]: text, Procfile: 'web: x\n' });
      const r = run(['init'], dir);
      assert.equal(r.status, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`procs init: ${name.replace('.', '\\.')}.* not overwriting`));
      assert.equal(readFileSync(join(dir, name), 'utf8'), text);
    }
  });

  it('writes an example in an empty folder', () => {
    const dir = folder({});
    const r = run(['init'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /from an example/);
    validates(dir);
  });
});

describe('.procs/.gitignore', () => {
  it('keeps .procs/ out of git status after procs up', async () => {
    const dir = folder({ 'procs.yaml': 'processes:\n  a: { command: "echo hi", restart: never }\n' });
    assert.equal(spawnSync('git', ['init', '-q'], { cwd: dir }).status, 0);
    const up = procs(['up'], { cwd: dir });
    assert.equal(await up.exited, 0, up.text());
    await assertClean(up);
    assert.equal(
      readFileSync(join(dir, '.procs/.gitignore'), 'utf8')
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .join(),
      '*',
    );
    const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, encoding: 'utf8' });
    assert.equal(status.status, 0, status.stderr);
    assert.equal(status.stdout, '?? procs.yaml\n');
  });

  it('never replaces a file or link there, and a run goes on without it', async () => {
    const dir = folder({ 'procs.yaml': 'processes:\n  a: { command: "echo hi", restart: never }\n', 'elsewhere.txt': 'mine\n' });
    const keep = folder({});
    // A .procs/ made by someone else (with a link where the .gitignore would go) is left as it is.
    spawnSync('mkdir', ['-m', '700', join(dir, '.procs')]);
    symlinkSync(join(keep, 'target'), join(dir, '.procs/.gitignore'));
    const up = procs(['up'], { cwd: dir });
    assert.equal(await up.exited, 0, up.text());
    await assertClean(up);
    assert.ok(lstatSync(join(dir, '.procs/.gitignore')).isSymbolicLink());
    assert.equal(existsSync(join(keep, 'target')), false, 'nothing was written through the link');
  });
});
