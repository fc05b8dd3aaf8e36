// `procs doctor` and `procs --version --verbose` as users run them: what they say about Node,
// the spawner (in use, turned off, missing, unable to run), the socket folder, the spec and its
// ports, and the exit code (1 only when a check fails).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, MAIN, ROOT, procs, project, removeProject } from '../helpers/cli.js';

interface Check {
  name: string;
  level: string;
  detail: string;
}

const dirs: string[] = [];
after(() => dirs.forEach(removeProject));

function run(args: string[], files: Record<string, string>, env: Record<string, string> = {}) {
  const dir = project(files);
  dirs.push(dir);
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete base.PROCS_SPAWNER;
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...base, ...env } });
  return { ...r, dir };
}

function doctorJson(files: Record<string, string>, env: Record<string, string> = {}) {
  const r = run(['doctor', '--json'], files, env);
  const report = JSON.parse(r.stdout) as { ok: boolean; checks: Check[] };
  const check = (name: string): Check => report.checks.find((c) => c.name === name) ?? assert.fail(`no ${name} check`);
  return { status: r.status, report, check, dir: r.dir };
}

const specWithPort = (port: number) => `version: 1\nprocesses:\n  api:\n    command: "true"\n    env: { PORT: "${port}" }\n`;

describe('procs doctor', () => {
  it('says every check ok, one line each, exit 0', async () => {
    const port = await freePort();
    const r = run(['doctor'], { 'procs.yaml': specWithPort(port) });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    for (const name of ['node', 'platform', 'spawner', 'socket', 'spec', 'ports']) {
      const level = name === 'spawner' ? '(ok|note)' : 'ok'; // note: built without a C compiler
      assert.ok(
        lines.some((l) => new RegExp(`^${level}\\s+${name}\\s`).test(l)),
        `${name} in\n${r.stdout}`,
      );
    }
    assert.match(r.stdout, new RegExp(`ports\\s+${port} free`));
    assert.match(r.stdout, /spec\s+.*procs\.yaml: valid \(1 unit\)/);
    assert.match(r.stdout, new RegExp(`socket\\s+${r.dir}/\\.procs/procs\\.sock`));
  });

  it('fails when a unit port is taken, naming the port and the unit', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const d = doctorJson({ 'procs.yaml': specWithPort(port) });
      assert.equal(d.status, 1);
      assert.equal(d.report.ok, false);
      assert.equal(d.check('ports').level, 'fail');
      // The holder is this test's own process.
      assert.match(d.check('ports').detail, new RegExp(`^${port} \\(api\\) is in use by pid ${process.pid} \\(node .*\\), outside this project$`));
    } finally {
      server.close();
    }
  });

  it('does not count the ports of the running project as taken', async () => {
    const port = await freePort();
    const spec = `version: 1\nprocesses:\n  api:\n    command: ["node", "${join(BIN, 'http-server.js')}"]\n    env: { PORT: "${port}" }\n`;
    const dir = project({ 'procs.yaml': spec });
    dirs.push(dir);
    const up = procs(['up'], { cwd: dir });
    try {
      await up.waitFor(new RegExp(`listening ${port}`));
      const r = spawnSync(process.execPath, [MAIN, 'doctor'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`^ok\\s+ports\\s+${port}: the project is running \\(procs pid ${up.child.pid}\\)$`, 'm'));
    } finally {
      up.child.kill('SIGINT');
      assert.equal(await up.exited, 0);
    }
  });

  it('fails without a spec, and gives the first errors of a bad one', () => {
    const none = doctorJson({});
    assert.equal(none.status, 1);
    assert.equal(none.check('spec').level, 'fail');
    assert.match(none.check('spec').detail, /no procs\.yaml/);
    const bad = doctorJson({ 'procs.yaml': 'version: 1\nprocesses:\n  api: { comand: "true" }\n' });
    assert.equal(bad.status, 1);
    assert.match(bad.check('spec').detail, /procs\.yaml:3:\d+ /);
  });

  it('says why units start without the spawner, exit 0', () => {
    const spec = { 'procs.yaml': 'version: 1\nprocesses:\n  a: { command: "true" }\n' };
    const off = doctorJson(spec, { PROCS_SPAWNER: 'node' });
    assert.deepEqual(off.check('spawner'), { name: 'spawner', level: 'ok', detail: "units start through Node's child_process (PROCS_SPAWNER=node)" });
    const missing = doctorJson(spec, { PROCS_SPAWNER: '/nonexistent/procs-spawner' });
    assert.equal(missing.status, 0);
    assert.equal(missing.check('spawner').level, 'note');
    assert.match(missing.check('spawner').detail, /^units start through Node's child_process: the spawner \/nonexistent\/procs-spawner was not built/);
    const broken = doctorJson(spec, { PROCS_SPAWNER: join(BIN, 'not-executable.sh') });
    assert.equal(broken.check('spawner').level, 'note');
    assert.match(broken.check('spawner').detail, /does not run here: it cannot be started \(EACCES\); units start through Node's child_process$/);
  });
});

describe('procs doctor: listen', () => {
  it('says the spawner holds listen: sockets, and fails without it', () => {
    const spec = { 'procs.yaml': 'version: 1\nprocesses:\n  api: { command: "true", listen: "127.0.0.1:1" }\n  b: { command: "true" }\n' };
    const on = doctorJson(spec);
    if (on.check('spawner').detail.startsWith('units start through the spawner')) {
      assert.deepEqual(on.check('listen'), { name: 'listen', level: 'ok', detail: 'the spawner holds the sockets of unit api' });
    }
    const off = doctorJson(spec, { PROCS_SPAWNER: 'node' });
    assert.equal(off.status, 1);
    assert.equal(off.check('listen').level, 'fail');
    assert.match(off.check('listen').detail, /^unit api cannot start: only procs-spawner holds listen: sockets/);
  });
});

describe('procs doctor: the terminal helper', () => {
  it('names the helper tty: true units start through, python3 without the compiled one, and fails a spec that needs one when there is none', () => {
    const plain = { 'procs.yaml': 'version: 1\nprocesses:\n  a: { command: "true" }\n' };
    const withTty = { 'procs.yaml': 'version: 1\nprocesses:\n  a: { command: "true", tty: true }\n' };
    const compiled = doctorJson(plain);
    assert.equal(compiled.check('terminal').level, 'ok');
    assert.match(compiled.check('terminal').detail, /^tty: true units start through \/.*\/procs-tty$/);
    const python = doctorJson(plain, { PROCS_TTY_HELPER: 'python' });
    assert.equal(python.check('terminal').level, 'note');
    assert.match(python.check('terminal').detail, /through python3 .*procs-tty\.py/);
    const none = doctorJson(plain, { PROCS_TTY_HELPER: 'none', PATH: '/nonexistent' });
    assert.equal(none.check('terminal').level, 'note');
    const needed = doctorJson(withTty, { PROCS_TTY_HELPER: 'none', PATH: '/nonexistent' });
    assert.equal(needed.check('terminal').level, 'fail');
    assert.match(needed.check('terminal').detail, /tty: true needs the terminal helper/);
    assert.equal(needed.status, 1);
  });
});

describe('procs --version --verbose', () => {
  it('gives the version, Node, the platform, the spawner and the package root', () => {
    const r = run(['--version', '--verbose'], {});
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^procs \d+\.\d+\.\d+$/);
    assert.equal(lines[1], `node ${process.versions.node}`);
    assert.equal(lines[2], `platform ${process.platform} ${process.arch}`);
    const built = existsSync(join(ROOT, 'dist/bin/procs-spawner'));
    assert.match(lines[3] ?? '', built ? /^spawner units start through the spawner \/.*procs-spawner$/ : /^spawner units start through Node's child_process: /);
    assert.match(lines[4] ?? '', /^package \//);
    const without = run(['--version', '--verbose'], {}, { PROCS_SPAWNER: '/nonexistent/procs-spawner' });
    assert.match(without.stdout, /\nspawner units start through Node's child_process: the spawner \/nonexistent\/procs-spawner was not built/);
  });
});

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
