// The package as published: a tarball packed (prepack builds it) from a clean copy of the repo
// — the files git knows, no dist/, no node_modules/ — installed into a new project from the
// registry, where `npx procs validate`, `up` and `doctor` run. The tarball holds what procs
// needs at run time and no spawner compiled here; installing builds one for this machine.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ROOT, taggedProcesses } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'procs-package-'));
const tag = randomUUID();
// npx and the `procs` bin (#!/usr/bin/env node) run the Node running this test, not whatever
// other Node is first on PATH.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  PROCS_TEST_TAG: tag,
  NO_COLOR: '1',
};
delete env.FORCE_COLOR;
delete env.PROCS_SPAWNER;

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 600_000 });
}

function must(cmd: string, args: string[], cwd: string): string {
  const r = sh(cmd, args, cwd);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} in ${cwd}: ${r.error?.message ?? ''}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('the published package', () => {
  let tarball = '';
  const app = join(scratch, 'app');

  before(() => {
    const copy = join(scratch, 'repo');
    const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
    for (const file of tracked.split('\0').filter((f) => f !== '' && existsSync(join(ROOT, f)))) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(copy, file));
    }
    must('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], copy);
    const name = must('npm', ['pack', '--pack-destination', scratch, '--loglevel=error'], copy).trim().split('\n').pop() ?? '';
    tarball = join(scratch, name);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
    writeFileSync(join(app, 'procs.yaml'), 'version: 1\nprocesses:\n  hello:\n    command: "echo hello from the app"\n    restart: never\n');
    must('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app);
  });

  after(() => {
    const left = taggedProcesses(tag);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
    assert.deepEqual(left, [], 'processes outlived the test');
  });

  it('holds the bundle, the dashboard page, the spawner source, the guardian and the schema, and no spawner binary', () => {
    const files = must('tar', ['tzf', tarball], scratch).split('\n');
    for (const f of [
      'dist/bin/procs.js',
      'dist/bin/main.js',
      'dist/bin/pipeline-runner.js',
      'dist/bin/dashboard/index.html',
      'dist/bin/dashboard/app.js',
      'dist/bin/dashboard/app.css',
      'native/spawner.c',
      'native/procs-tty.c',
      'native/procs-tty.py',
      'native/procs-guardian.sh',
      'scripts/native.mjs',
    ]) {
      assert.ok(files.includes(`package/${f}`), `${f} in the tarball`);
    }
    assert.ok(
      files.some((f) => f.startsWith('package/schema/')),
      'schema/ in the tarball',
    );
    assert.ok(!files.includes('package/dist/bin/procs-spawner'), 'no spawner binary in the tarball');
    assert.ok(!files.includes('package/dist/bin/procs-tty'), 'no terminal helper binary in the tarball');
    assert.ok(!files.some((f) => f.startsWith('package/dist/src/') || f.startsWith('package/dist/test/')));
  });

  it('installs only what runs, and builds the spawner at install', () => {
    const installed = readdirSync(join(app, 'node_modules'));
    for (const bundled of ['ajv', 'yaml', 'picomatch', 'typescript', 'esbuild', 'preact', 'playwright-core', 'kubernetes-models', 'dclint'])
      assert.ok(!installed.includes(bundled), `${bundled} is bundled, not installed`);
    assert.ok(existsSync(join(app, 'node_modules/procs/dist/bin/procs-spawner')), 'the spawner was built at install');
    assert.ok(existsSync(join(app, 'node_modules/procs/dist/bin/procs-tty')), 'the terminal helper was built at install');
  });

  it('runs npx procs validate, up and doctor in the project', () => {
    assert.match(must('npx', ['--no-install', 'procs', 'validate'], app), /procs\.yaml: ok \(1 unit\)/);
    assert.match(must('npx', ['--no-install', 'procs', 'up'], app), /hello from the app/);
    const doctor = must('npx', ['--no-install', 'procs', 'doctor'], app);
    assert.match(doctor, /^ok\s+spawner\s+units start through the spawner .*node_modules\/procs\/dist\/bin\/procs-spawner$/m);
    assert.match(doctor, /^ok\s+spec\s+/m);
    assert.deepEqual(taggedProcesses(tag), []);
  });

  it('checks exports offline with the bundled checkers (kubernetes models, compose schema)', () => {
    const out = must('npx', ['--no-install', 'procs', 'export', '--check'], app);
    assert.match(out, /^ok +kubernetes +kubernetes\.yaml /m);
    assert.match(out, /^ok +compose +compose\.yaml /m);
  });
});
