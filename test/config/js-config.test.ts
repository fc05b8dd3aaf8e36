// Specs written as modules (procs.config.mjs/.js/.cjs/.ts) and the places cosmiconfig searches:
// found upward like YAML, object and function exports, and their problems naming the file and the
// key path (a module has no lines); a throwing or non-object module is a problem, never a crash.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { formatDiagnostic, loadSpec, type LoadResult } from '../../src/config/index.js';
import { loadForExport } from '../../src/export/load.js';
import { ENV, proc, tempTree } from './helpers.js';

const OBJECT = "export default { version: 1, processes: { api: { command: 'node api.js' } } };\n";
const names = (r: LoadResult): string[] => r.spec?.units.map((u) => u.name) ?? [];
const lines = (r: LoadResult, cwd: string): string[] => r.diagnostics.map((d) => formatDiagnostic(d, cwd));
/** The shell script a process unit runs. */
function script(r: LoadResult, name: string): string {
  assert.ok(r.spec, JSON.stringify(r.diagnostics));
  const command = proc(r.spec, name).command;
  return command.kind === 'shell' ? command.script : '';
}

/** Loads the spec discovery finds in a temporary folder holding `files`. */
async function loadIn(
  files: Record<string, string>,
  opts: { cwd?: string; files?: string[]; env?: Record<string, string> } = {},
): Promise<{ r: LoadResult; dir: string }> {
  const t = tempTree(files);
  try {
    const cwd = path.join(t.dir, opts.cwd ?? '');
    const r = await loadSpec({ cwd, env: opts.env ?? { ...ENV }, ...(opts.files ? { files: opts.files } : {}) });
    return { r, dir: t.dir };
  } finally {
    t.remove();
  }
}

test('each module place is found: procs.config.mjs, .js, .cjs and .ts', async () => {
  const bodies: Record<string, string> = {
    'procs.config.mjs': OBJECT,
    'procs.config.js': OBJECT,
    'procs.config.cjs': "module.exports = { version: 1, processes: { api: { command: 'x' } } };\n",
    'procs.config.ts':
      "const spec: { version: number; processes: Record<string, { command: string }> } = { version: 1, processes: { api: { command: 'x' } } };\nexport default spec;\n",
  };
  for (const [place, body] of Object.entries(bodies)) {
    const { r, dir } = await loadIn({ [place]: body });
    assert.deepEqual(r.diagnostics, [], place);
    assert.deepEqual(r.files, [path.join(dir, place)], place);
    assert.deepEqual(names(r), ['api'], place);
  }
});

test('a module spec is found upward, and a YAML spec in the same folder wins', async () => {
  const up = await loadIn({ 'procs.config.mjs': OBJECT, 'a/b/.keep': '' }, { cwd: 'a/b' });
  assert.deepEqual(up.r.files, [path.join(up.dir, 'procs.config.mjs')]);
  assert.equal(up.r.spec?.root, up.dir);
  const both = await loadIn({ 'procs.config.mjs': OBJECT, '.procsrc.yaml': 'processes:\n  y: { command: x }\n', Procfile: 'web: x\n' });
  assert.deepEqual(names(both.r), ['y']);
  const overProcfile = await loadIn({ 'procs.config.mjs': OBJECT, Procfile: 'web: x\n', 'package.json': '{ "name": "x" }\n' });
  assert.deepEqual(names(overProcfile.r), ['api']);
});

test('a function export is called with the environment, and may be async', async () => {
  const fn = 'export default async (env) => ({ version: 1, processes: { api: { command: `serve ${env.API_PORT}` } } });\n';
  const { r } = await loadIn({ 'procs.config.mjs': fn }, { env: { ...ENV, API_PORT: '8123' } });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(script(r, 'api'), 'serve 8123');
});

test('a wrong key or value in a module spec names the file and the key path', async () => {
  const body = "export default { version: 1, processes: { api: { command: 42 }, web: { comand: 'x' }, job: { command: 'x', ready: () => 1 } } };\n";
  const { r, dir } = await loadIn({ 'procs.config.mjs': body });
  assert.equal(r.spec, undefined);
  assert.deepEqual(lines(r, dir).sort(), [
    'procs.config.mjs  processes.api.command must be a string or a list of strings, got a number',
    'procs.config.mjs  processes.job.ready: a function cannot be a spec value (strings, numbers, booleans, null, lists and objects can)',
    'procs.config.mjs  unknown key `comand` in processes.web; did you mean `command`?',
  ]);
});

test('a module that throws, exports no object or has no default export is one clear problem', async () => {
  const cases: [string, string][] = [
    ['const x = 1;\nthrow new Error("no database URL\\n    at somewhere (x.js:1:1)");\n', 'cannot load the module: no database URL'],
    ['export default () => { throw new TypeError("bad env"); };\n', 'the exported function threw: bad env'],
    ['export default 3;\n', 'the default export is a number: a spec is an object, e.g. { version: 1, processes: { … } }'],
    ['export default () => [1];\n', 'the exported function returned a list: a spec is an object, e.g. { version: 1, processes: { … } }'],
    ['export default new Map();\n', 'the default export is a Map object: a spec is an object, e.g. { version: 1, processes: { … } }'],
    ['export const spec = {};\n', 'no default export: export the spec (or a function returning it) as default'],
    ['export default {\n', 'cannot load the module: '],
  ];
  for (const [body, message] of cases) {
    const { r, dir } = await loadIn({ 'procs.config.mjs': body });
    assert.equal(r.spec, undefined, body);
    assert.equal(r.diagnostics.length, 1, body);
    const line = lines(r, dir)[0] ?? '';
    assert.ok(line.startsWith(`procs.config.mjs  ${message}`), `${body}: ${line}`);
    assert.doesNotMatch(line, /\n|at somewhere/, 'no stack');
  }
});

test('-f takes a module spec, merged with YAML files key by key', async () => {
  const t = tempTree({
    'base.yaml': 'version: 1\nprocesses:\n  api: { command: a }\n  db: { command: d }\n',
    'conf/over.mjs': "export default { processes: { api: { command: 'b' } } };\n",
  });
  try {
    const r = await loadSpec({ cwd: t.dir, files: ['base.yaml', 'conf/over.mjs'], env: { ...ENV } });
    assert.deepEqual(r.diagnostics, []);
    assert.equal(script(r, 'api'), 'b');
    assert.deepEqual(names(r).sort(), ['api', 'db']);
    const bad = await loadSpec({ cwd: t.dir, files: ['base.yaml', 'missing.mjs'], env: { ...ENV } });
    assert.match(lines(bad, t.dir).join('\n'), /^missing\.mjs {2}cannot load the module: Cannot find module/m);
  } finally {
    t.remove();
  }
});

test('each load imports the module afresh (a reload sees the edit), CommonJS too', async () => {
  for (const [place, make] of [
    ['procs.config.mjs', (n: string): string => `export default { processes: { ${n}: { command: 'x' } } };\n`],
    ['procs.config.cjs', (n: string): string => `module.exports = { processes: { ${n}: { command: 'x' } } };\n`],
  ] as const) {
    const t = tempTree({ [place]: make('first') });
    try {
      assert.deepEqual(names(await loadSpec({ cwd: t.dir, env: { ...ENV } })), ['first']);
      writeFileSync(path.join(t.dir, place), make('second'));
      assert.deepEqual(names(await loadSpec({ cwd: t.dir, env: { ...ENV } })), ['second'], place);
      assert.deepEqual(names(await loadSpec({ cwd: t.dir, files: [place], env: { ...ENV } })), ['second'], place);
    } finally {
      t.remove();
    }
  }
});

test('export reads a module spec without handing it the environment', async () => {
  const t = tempTree({ 'procs.config.mjs': "export default (env) => ({ processes: { api: { command: 'serve', env: { SEEN: String(env.HOME) } } } });\n" });
  try {
    const r = await loadForExport({ cwd: t.dir });
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.spec?.units[0]?.env.SEEN, 'undefined');
  } finally {
    t.remove();
  }
});
