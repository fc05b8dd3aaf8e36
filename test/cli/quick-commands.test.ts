// The quick commands as users run them (the bundle): --version, --help, validate, schema, and
// what they do when stdout cannot take their answer.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAIN, ROOT, project, removeProject } from '../helpers/cli.js';

const procsSync = (args: string[], cwd: string, stdio: 'pipe' | [string, string, string] = 'pipe') =>
  spawnSync('sh', ['-c', stdio === 'pipe' ? '"$0" "$@"' : `"$0" "$@" ${stdio[1]}`, process.execPath, MAIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });

describe('quick commands', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeProject));
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  it('--version and -V print the package version', () => {
    for (const flag of ['--version', '-V']) {
      const r = procsSync([flag], ROOT);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, `${version}\n`);
    }
  });

  it('--help lists the commands', () => {
    const r = procsSync(['--help'], ROOT);
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`^procs ${version.replaceAll('.', '\\.')} `));
    for (const c of ['up', 'run', 'validate', 'ps', 'logs', 'down']) assert.match(r.stdout, new RegExp(`\\n  ${c} `));
  });

  it('validate keeps the parsed spec in the private folder, takes it back while the text is the same, and keeps nothing with PROCS_SPEC_CACHE=0', () => {
    const dir = project({ 'procs.yaml': 'version: 1\nprocesses:\n  a: { command: "sleep 1" }\n' });
    dirs.push(dir);
    const runtime = join(dir, 'runtime');
    mkdirSync(runtime, { mode: 0o700 });
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [MAIN, 'validate'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_RUNTIME_DIR: runtime, ...env } });
    const cache = join(runtime, 'procs', 'spec-cache');
    assert.match(run({ PROCS_SPEC_CACHE: '0' }).stdout, /ok \(1 unit\)/);
    assert.equal(existsSync(cache), false, 'nothing kept when turned off');
    assert.match(run({}).stdout, /ok \(1 unit\)/);
    assert.equal(readdirSync(cache).length, 1, 'one entry for the file');
    assert.match(run({}).stdout, /ok \(1 unit\)/, 'the same answer from the entry');
    writeFileSync(join(dir, 'procs.yaml'), 'version: 1\nprocesses:\n  a: { command: "sleep 1" }\n  b: { command: "sleep 1" }\n');
    assert.match(run({}).stdout, /ok \(2 units\)/, 'a changed file is read again');
    writeFileSync(join(dir, 'procs.yaml'), 'version: 1\nprocesses:\n  a: { command: "sleep 1" }\n  a: { command: "sleep 2" }\n');
    const dup = run({});
    assert.equal(dup.status, 2);
    assert.match(dup.stderr, /duplicate key `a`/);
    assert.match(run({}).stderr, /duplicate key `a`/, 'a problem is found again, never taken from the cache');
  });

  it('validate says ok with the unit count, or every error positioned, exit 2', () => {
    const dir = project({ 'procs.yaml': 'version: 1\nprocesses:\n  a: { command: "sleep 1" }\n  b: { command: "sleep 1" }\n' });
    dirs.push(dir);
    const ok = procsSync(['validate'], dir);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, `${join(dir, 'procs.yaml')}: ok (2 units)\n`);
    const bad = project({ 'procs.yaml': 'version: 1\nprocesses:\n  a: { comand: "sleep 1" }\n' });
    dirs.push(bad);
    const r = procsSync(['validate'], bad);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /procs\.yaml:3:\d+.*comand.*did you mean `command`/);
  });

  it('validate exits 1 with a message when stdout is full, and 0 when the reader went away', () => {
    const dir = project({ 'procs.yaml': 'version: 1\nprocesses:\n  a: { command: "sleep 1" }\n' });
    dirs.push(dir);
    if (existsSync('/dev/full')) {
      const full = procsSync(['validate'], dir, ['', '>/dev/full', '']);
      assert.equal(full.status, 1);
      assert.match(full.stderr, /cannot write to stdout \(ENOSPC\)/);
    }
    // `| true` exits at once: procs' write meets a closed pipe (EPIPE), which is not an error.
    const closed = spawnSync('sh', ['-c', '"$0" "$@" | true', process.execPath, MAIN, 'validate'], { cwd: dir, encoding: 'utf8' });
    assert.doesNotMatch(closed.stderr, /internal error|EPIPE/);
  });

  it('schema prints the JSON Schema of the spec', () => {
    const r = procsSync(['schema'], ROOT);
    assert.equal(r.status, 0);
    const schema = JSON.parse(r.stdout) as { $id?: string };
    assert.equal(schema.$id, 'urn:procs:spec:1');
  });
});
