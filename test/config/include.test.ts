// `include:` joins other spec files' units into the spec; their paths and env stay their own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build, lines, proc, specOf } from './helpers.js';

test('an included file adds its units; paths resolve against its folder; Spec.files lists every file read', () => {
  const r = build({
    'procs.yaml': 'include: [svc/api.yaml]\nprocesses:\n  web: { command: web, env_file: web.env }\n',
    'svc/api.yaml': 'include: db.yaml\nprocesses:\n  api: { command: api, cwd: src, env_file: api.env }\nwatch:\n  code: { paths: [lib], restart: [api] }\n',
    'svc/db.yaml': 'processes:\n  db: { command: db }\n',
    'web.env': 'WEB=1\n',
    'svc/api.env': 'API=1\n',
  });
  const spec = specOf(r);
  assert.deepEqual(
    spec.units.map((u) => u.name),
    ['web', 'api', 'db'],
  );
  assert.equal(proc(spec, 'web').cwd, '/project');
  assert.equal(proc(spec, 'web').env.WEB, '1');
  assert.equal(proc(spec, 'api').cwd, '/project/svc/src');
  assert.equal(proc(spec, 'api').env.API, '1');
  assert.equal(proc(spec, 'db').cwd, '/project/svc', 'a unit without cwd runs in its file folder');
  assert.equal(spec.watch[0]?.cwd, '/project/svc');
  assert.equal(spec.root, '/project');
  assert.deepEqual(spec.files, ['/project/procs.yaml', '/project/svc/api.yaml', '/project/svc/db.yaml']);
  assert.deepEqual(r.files, ['/project/procs.yaml'], 'the files to read again stay the ones named');
  assert.deepEqual(r.included, ['/project/svc/api.yaml', '/project/svc/db.yaml']);
});

test("an included file's env and env_file apply to its own units only, under the unit's own", () => {
  const r = build({
    'procs.yaml': 'env: { ROOT: r, SHARED: root }\ninclude: [b/b.yaml]\nprocesses:\n  a: { command: a }\n',
    'b/b.yaml': 'env: { SHARED: b, B: "${ROOT}-b" }\nenv_file: b.env\nprocesses:\n  b: { command: b, env: { B: own } }\n  c: { command: c }\n',
    'b/b.env': 'FROM_FILE=1\n',
  });
  const spec = specOf(r);
  assert.deepEqual([proc(spec, 'a').env.SHARED, proc(spec, 'a').env.B, proc(spec, 'a').env.FROM_FILE], ['root', undefined, undefined]);
  assert.deepEqual([proc(spec, 'b').env.SHARED, proc(spec, 'b').env.B, proc(spec, 'b').env.FROM_FILE], ['b', 'own', '1']);
  assert.equal(proc(spec, 'c').env.B, 'r-b');
});

test('an override file (-f) changes an included unit, which still runs in its own folder', () => {
  const r = build(
    {
      'procs.yaml': 'include: [svc/api.yaml]\n',
      'override.yaml': 'processes:\n  api: { env: { MODE: dev } }\n',
      'svc/api.yaml': 'processes:\n  api: { command: api }\n',
    },
    { files: ['procs.yaml', 'override.yaml'] },
  );
  const api = proc(specOf(r), 'api');
  assert.deepEqual([api.cwd, api.env.MODE], ['/project/svc', 'dev']);
});

test('a file included twice is read once', () => {
  const r = build({
    'procs.yaml': 'include: [a.yaml, b.yaml]\n',
    'a.yaml': 'include: [common.yaml]\nprocesses:\n  a: { command: a }\n',
    'b.yaml': 'include: [common.yaml]\nprocesses:\n  b: { command: b }\n',
    'common.yaml': 'processes:\n  common: { command: c }\n',
  });
  assert.deepEqual(
    specOf(r).units.map((u) => u.name),
    ['a', 'common', 'b'],
  );
});

test('cycles, missing files and names defined twice are positioned errors', () => {
  const r = build({
    'procs.yaml': 'include:\n  - a.yaml\n  - nope.yaml\nprocesses:\n  api: { command: x }\n',
    'a.yaml': 'include: [procs.yaml]\nprocesses:\n  api: { command: y }\n',
  });
  assert.equal(
    lines(r),
    [
      'procs.yaml:3:5  included file `nope.yaml` not found',
      'a.yaml:1:11  include cycle: procs.yaml → a.yaml → procs.yaml',
      'a.yaml:3:3  processes.api is defined twice: here and at procs.yaml:5:3',
    ].join('\n'),
  );
});

test("an included file's keys are checked, and its shell must be the spec's", () => {
  const r = build({
    'procs.yaml': 'include: b.yaml\n',
    'b.yaml': 'shell: bash\nenv: [oops]\nprocesses:\n  b: { command: b }\n',
  });
  assert.equal(
    lines(r),
    [
      'b.yaml:1:1  shell: an included file runs with the including spec\'s shell ("/bin/sh"); set it there, or remove it here',
      'b.yaml:2:6  env must be a map, got a list',
    ].join('\n'),
  );
});

test('include takes YAML files only, and is checked like any key', () => {
  const r = build({ 'procs.yaml': 'include: [Procfile, 3]\n', Procfile: 'web: x\n' });
  assert.match(lines(r), /procs\.yaml:1:11 {2}cannot include `Procfile`: only YAML spec files can be included/);
  assert.match(lines(r), /procs\.yaml:1:21 {2}include\[1\]/);
});
