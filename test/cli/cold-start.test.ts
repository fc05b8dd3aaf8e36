// What the quick commands load, as users run them (the bundle): every module file and builtin a
// command loads costs its start. A hook given to the child with --import records the files it
// loads and the builtins it adds, and writes them to fd 3 when it exits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAIN, ROOT, project, removeProject } from '../helpers/cli.js';

const HOOK = `
import { registerHooks } from 'node:module';
import { writeSync } from 'node:fs';
const files = [];
const before = new Set(process.moduleLoadList);
registerHooks({ load(url, context, next) { if (url.startsWith('file:')) files.push(url); return next(url, context); } });
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((m) => !before.has(m)).map((m) => m.replace(/^NativeModule /, ''));
  writeSync(3, JSON.stringify({ files, builtins }));
});`;

interface Trace {
  status: number | null;
  stdout: string;
  /** The bundle's files the command loaded, by name (procs.js, main.js, …). */
  files: string[];
  /** Node's own modules it loaded (internal ones too), beyond what the hook had. */
  builtins: string[];
}

/** Runs the bundle with `args` in `cwd`, stdout and stderr pipes (as in a script or CI). */
function traced(args: string[], cwd: string): Trace {
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(HOOK)}`, MAIN, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const trace = JSON.parse(String(r.output[3])) as { files: string[]; builtins: string[] };
  return { status: r.status, stdout: r.stdout, files: trace.files.map((u) => basename(new URL(u).pathname)), builtins: trace.builtins };
}

describe('what the quick commands load', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeProject));

  it('--version loads no chunk of the bundle: procs.js and main.js only', () => {
    const r = traced(['--version'], ROOT);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
    assert.deepEqual(r.files, ['procs.js', 'main.js']);
  });

  it('validate loads neither node:net nor the stream modules when the spec is fine', () => {
    const dir = project({
      'procs.yaml':
        'version: 1\nprocesses:\n  web: { command: "node server.js", env: { PORT: "3000" } }\n  db:\n    command: ["redis-server"]\n    health: { readiness: { tcp: "127.0.0.1:6379" } }\n',
    });
    dirs.push(dir);
    const r = traced(['validate'], dir);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /: ok \(2 units\)\n$/);
    for (const m of ['net', 'stream', 'internal/streams/readable']) assert.ok(!r.builtins.includes(m), `validate loaded ${m}: ${r.builtins.join(' ')}`);
  });

  it('validate loads three files: procs.js, main.js and its own entry, with every module at its top level', () => {
    const dir = project({ 'procs.yaml': 'version: 1\nprocesses:\n  web: { command: "node server.js" }\n' });
    dirs.push(dir);
    const ok = traced(['validate'], dir);
    assert.equal(ok.status, 0);
    assert.deepEqual(ok.files, ['procs.js', 'main.js', 'validate-main.js']);
    // A bad spec is reported by the same file, and flags after the command change nothing.
    const bad = traced(['validate', '-f', 'missing.yaml'], dir);
    assert.equal(bad.status, 2);
    assert.deepEqual(bad.files, ['procs.js', 'main.js', 'validate-main.js']);
    // A lazy import anywhere in its modules makes esbuild wrap them in functions (`__esm`), which
    // Node's compile cache, made before the code runs, does not hold: each would compile every run.
    assert.doesNotMatch(readFileSync(join(ROOT, 'dist/bin/validate-main.js'), 'utf8'), /\b__esm\(/);
    // `--version --verbose` (the spawner check, a lazy import) is answered by the whole command line.
    const v = traced(['validate', '--version', '--verbose'], dir);
    assert.equal(v.status, 0);
    assert.match(v.stdout, /^procs \d+\.\d+\.\d+\nnode .*\nplatform .*\nspawner .*\npackage /);
    assert.ok(!v.files.includes('validate-main.js'), v.files.join(' '));
  });

  it('up and run load three files of the bundle: procs.js, main.js and their own entry, and neither node:http nor perf_hooks; other commands the shared chunks', () => {
    const dir = project({ 'procs.yaml': 'version: 1\nprocesses:\n  once: { command: "echo hello", restart: never }\n' });
    dirs.push(dir);
    for (const args of [
      ['up', '--no-color'],
      ['run', '--no-color', '--', 'true'],
    ]) {
      const r = traced(args, dir);
      assert.equal(r.status, 0, `procs ${args.join(' ')}`);
      assert.deepEqual(
        r.files.filter((f) => !f.endsWith('.cjs') && f !== 'package.json'),
        ['procs.js', 'main.js', 'up-main.js'],
        `procs ${args.join(' ')}`,
      );
      // node:crypto starts OpenSSL (4.4 MB resident): only a dashboard loads it.
      assert.ok(!r.builtins.includes('crypto'), `procs ${args.join(' ')} loads node:crypto`);
      // node:http (1.3 MB) waits for the first client of the control socket; the clock reads
      // process.hrtime, not the \`performance\` global that loads perf_hooks (0.4 MB).
      assert.ok(!r.builtins.includes('http'), `procs ${args.join(' ')} loads node:http`);
      assert.ok(!r.builtins.includes('perf_hooks'), `procs ${args.join(' ')} loads node:perf_hooks`);
    }
    assert.match(traced(['up', '--no-color'], dir).stdout, /once +\| hello\n/);
    // A command line that does not start with the command goes the long way, with the same result.
    const long = traced(['--no-color', 'up'], dir);
    assert.equal(long.status, 0);
    assert.match(long.stdout, /once +\| hello\n/);
    assert.ok(long.files.includes('command.js') || long.files.some((f) => f.startsWith('command-')), long.files.join(' '));
    assert.ok(!long.files.includes('up-main.js'));
  });

  it("up changes V8's optimisation counts without a word on stderr, also once output turns heavy", () => {
    // An unknown V8 flag is not an exception: V8 prints it on stderr. The unit writes 2 MB (past
    // HEAVY_OUTPUT_BYTES, where app/memory.ts puts the usual counts back).
    const dir = project({
      'procs.yaml': 'version: 1\nprocesses:\n  flood: { command: "seq 1 300000", restart: never }\n',
    });
    dirs.push(dir);
    const r = spawnSync(process.execPath, [MAIN, 'up', '--no-color'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /flood +\| 300000\n/);
  });

  it("keeps Node's compile cache in the user's own folder, never in one another user could have made", () => {
    const dir = project({ 'procs.yaml': 'version: 1\nprocesses:\n  a: { command: "true" }\n' });
    dirs.push(dir);
    const runtime = join(dir, 'runtime');
    mkdirSync(runtime, { mode: 0o700 });
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: runtime };
    delete env.NODE_COMPILE_CACHE;
    delete env.NODE_DISABLE_COMPILE_CACHE;
    const validate = (): void => {
      const r = spawnSync(process.execPath, [MAIN, 'validate'], { cwd: dir, env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    };
    validate();
    const cache = join(runtime, 'procs', 'compile-cache');
    assert.ok(readdirSync(cache, { recursive: true }).length > 0, 'a cache was written in $XDG_RUNTIME_DIR/procs');
    // A folder open to others (as one another user made first would be) is not used.
    removeProject(join(runtime, 'procs'));
    mkdirSync(join(runtime, 'procs'));
    chmodSync(join(runtime, 'procs'), 0o777);
    validate();
    assert.equal(existsSync(cache), false, 'no cache in a folder open to others');
  });

  it('no file of the bundle imports a builtin as an ES module or is a module of one builtin alone', () => {
    const dir = join(ROOT, 'dist/bin');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      assert.doesNotMatch(text, /^\s*import[^;]*from\s*["']node:/m, `${file} imports a builtin`);
      assert.doesNotMatch(text, /^module\.exports = process\.getBuiltinModule/m, `${file} is a module of one builtin`);
    }
  });

  it('every file of the bundle is ASCII (one other character makes Node decode it the slow way, V8 keep it two bytes a character)', () => {
    const dir = join(ROOT, 'dist/bin');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
      assert.doesNotMatch(readFileSync(join(dir, file), 'utf8'), /[\u0080-\uffff]/, `${file} has a character outside ASCII`);
    }
  });
});
