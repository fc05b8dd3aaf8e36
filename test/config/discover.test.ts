// Discovery on a real filesystem (temporary folders): upward search, the order of places,
// package.json's procs key, and a spec winning over a Procfile in the same folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadSpec } from '../../src/config/index.js';
import { ENV, FIXTURES, tempTree } from './helpers.js';

const SPEC = 'processes:\n  a: { command: x }\n';

test('searches upward from the working directory', async () => {
  const t = tempTree({ 'procs.yaml': SPEC, 'deep/er/down/.keep': '' });
  try {
    const r = await loadSpec({ cwd: path.join(t.dir, 'deep/er/down'), env: { ...ENV } });
    assert.deepEqual(r.files, [path.join(t.dir, 'procs.yaml')]);
    assert.equal(r.spec?.root, t.dir);
  } finally {
    t.remove();
  }
});

test('stops at the first folder holding a spec or a Procfile', async () => {
  const t = tempTree({ 'procs.yaml': SPEC, 'sub/Procfile': 'web: x\n', 'sub/inner/.keep': '' });
  try {
    const r = await loadSpec({ cwd: path.join(t.dir, 'sub/inner'), env: { ...ENV } });
    assert.deepEqual(r.files, [path.join(t.dir, 'sub/Procfile')]);
  } finally {
    t.remove();
  }
});

test('in one folder a spec wins over a Procfile', async () => {
  const t = tempTree({ Procfile: 'web: x\n', '.procsrc.yaml': SPEC });
  try {
    const r = await loadSpec({ cwd: t.dir, env: { ...ENV } });
    assert.deepEqual(r.files, [path.join(t.dir, '.procsrc.yaml')]);
    assert.deepEqual(
      r.spec?.units.map((u) => u.name),
      ['a'],
    );
  } finally {
    t.remove();
  }
});

test('every search place is found: procs.yml, .procsrc, .config/procs.yaml', async () => {
  for (const place of ['procs.yml', '.procsrc', '.config/procs.yaml']) {
    const t = tempTree({ [place]: SPEC });
    try {
      const r = await loadSpec({ cwd: t.dir, env: { ...ENV } });
      assert.deepEqual(r.files, [path.join(t.dir, place)], place);
      assert.ok(r.spec, place);
    } finally {
      t.remove();
    }
  }
});

test('the procs key of package.json is a spec; a package.json without one is passed by', async () => {
  const r = await loadSpec({ cwd: path.join(FIXTURES, 'good', 'package-json'), env: { ...ENV } });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.spec?.units[0]?.env.PORT, '4000');
  const t = tempTree({ 'procs.yaml': SPEC, 'app/package.json': '{ "name": "app" }\n' });
  try {
    const up = await loadSpec({ cwd: path.join(t.dir, 'app'), env: { ...ENV } });
    assert.deepEqual(up.files, [path.join(t.dir, 'procs.yaml')]);
  } finally {
    t.remove();
  }
});

test("errors inside package.json's procs key are positioned in package.json", async () => {
  const t = tempTree({ 'package.json': '{\n  "name": "x",\n  "procs": {\n    "processes": { "a": { "comand": "x" } }\n  }\n}\n' });
  try {
    const r = await loadSpec({ cwd: t.dir, env: { ...ENV } });
    assert.deepEqual(
      r.diagnostics.map((d) => [d.line, d.col, d.message]),
      [[4, 27, 'unknown key `comand` in processes.a; did you mean `command`?']],
    );
  } finally {
    t.remove();
  }
});

test('an empty spec file is still the spec', async () => {
  const t = tempTree({ 'procs.yaml': '', Procfile: 'web: x\n' });
  try {
    const r = await loadSpec({ cwd: t.dir, env: { ...ENV } });
    assert.deepEqual(r.files, [path.join(t.dir, 'procs.yaml')]);
  } finally {
    t.remove();
  }
});

test('nothing found: one error naming the folder', async () => {
  const t = tempTree({ 'a/.keep': '' });
  try {
    const r = await loadSpec({ cwd: path.join(t.dir, 'a'), env: { ...ENV } });
    assert.equal(r.spec, undefined);
    assert.equal(r.diagnostics.length, 1);
    assert.match(r.diagnostics[0]!.message, /^no procs\.yaml in .*\/a or any folder above it/);
    assert.match(r.diagnostics[0]!.message, /write one with `procs init`/);
  } finally {
    t.remove();
  }
});

test('-f files are relative to cwd and skip discovery', async () => {
  const t = tempTree({ 'procs.yaml': 'processes: { wrong: { command: x } }\n', 'conf/dev.yaml': SPEC });
  try {
    const r = await loadSpec({ cwd: t.dir, files: ['conf/dev.yaml'], env: { ...ENV } });
    assert.deepEqual(
      r.spec?.units.map((u) => u.name),
      ['a'],
    );
    assert.equal(r.spec?.root, path.join(t.dir, 'conf'));
  } finally {
    t.remove();
  }
});

test("package.json's procs key found by search keeps YAML's positions, and -f reads it the same", async () => {
  const text = '{\n  "name": "x",\n  "procs": {\n    "processes": { "a": { "command": 7 } }\n  }\n}\n';
  const t = tempTree({ 'package.json': text, 'sub/.keep': '' });
  try {
    for (const opts of [{ cwd: path.join(t.dir, 'sub') }, { cwd: t.dir, files: ['package.json'] }]) {
      const r = await loadSpec({ ...opts, env: { ...ENV } });
      assert.deepEqual(
        r.diagnostics.map((d) => [path.basename(d.file), d.line, d.col, d.message]),
        [['package.json', 4, 38, 'processes.a.command must be a string or a list of strings, got a number']],
      );
    }
  } finally {
    t.remove();
  }
});

test('a YAML spec found by search (not the first place) keeps its positioned errors', async () => {
  const t = tempTree({ '.config/procs.yaml': 'processes:\n  a:\n    command: [oops\n', 'deep/.keep': '' });
  try {
    const r = await loadSpec({ cwd: path.join(t.dir, 'deep'), env: { ...ENV } });
    assert.equal(r.spec, undefined);
    assert.equal(r.diagnostics[0]?.file, path.join(t.dir, '.config/procs.yaml'));
    assert.ok((r.diagnostics[0]?.line ?? 0) >= 3, JSON.stringify(r.diagnostics));
    assert.match(r.diagnostics[0]?.message ?? '', /^YAML syntax error/);
  } finally {
    t.remove();
  }
});

test('cosmiconfig is loaded only to search: not for -f files, nor for procs.yaml in the folder', async () => {
  const t = tempTree({ 'procs.yaml': SPEC, 'other/procs.config.mjs': "export default { processes: { a: { command: 'x' } } };\n", 'deep/.keep': '' });
  const index = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/config/index.js')).href;
  /** Whether loading in `cwd` (with `files`) brought cosmiconfig into the module cache. */
  const loadsCosmiconfig = (cwd: string, files: string[]): boolean => {
    const script =
      `import { createRequire } from 'node:module'; const { loadSpec } = await import(${JSON.stringify(index)});` +
      `const r = await loadSpec({ cwd: ${JSON.stringify(cwd)}, files: ${JSON.stringify(files)}, env: {} });` +
      `if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));` +
      `console.log(Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('cosmiconfig')));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    return out.trim() === 'true';
  };
  try {
    assert.equal(loadsCosmiconfig(t.dir, []), false, 'procs.yaml right here');
    assert.equal(loadsCosmiconfig(t.dir, ['other/procs.config.mjs']), false, '-f a module');
    assert.equal(loadsCosmiconfig(path.join(t.dir, 'deep'), []), true, 'a search upward');
  } finally {
    t.remove();
  }
});

test('a FIFO or an oversized file at a search place is refused, never read (no hang)', async () => {
  for (const place of ['.procsrc', '.config/procs.yaml', 'procs.config.mjs']) {
    const t = tempTree({ 'sub/.keep': '' });
    try {
      mkdirSync(path.dirname(path.join(t.dir, place)), { recursive: true });
      execFileSync('mkfifo', [path.join(t.dir, place)]);
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 10_000)));
      const r = await Promise.race([loadSpec({ cwd: path.join(t.dir, 'sub'), env: { ...ENV } }), hung]);
      clearTimeout(timer);
      assert.notEqual(r, 'hung', `${place}: loading waited on the FIFO`);
      if (r === 'hung') return;
      assert.equal(r.spec, undefined);
      assert.match(r.diagnostics.map((d) => d.message).join('\n'), /not a regular file/, place);
    } finally {
      t.remove();
    }
  }
  const big = tempTree({ '.procsrc': `# ${'x'.repeat(5 * 1024 * 1024)}\n` });
  try {
    const r = await loadSpec({ cwd: big.dir, env: { ...ENV } });
    assert.equal(r.spec, undefined);
    assert.match(r.diagnostics.map((d) => d.message).join('\n'), /larger than/);
  } finally {
    big.remove();
  }
});
