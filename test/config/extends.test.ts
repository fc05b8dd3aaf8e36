// `extends:` starts a unit from another one's definition, its own keys winning key by key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build, lines, proc, specOf, unit } from './helpers.js';

test('local keys win; maps merge deeply, lists are replaced; chains resolve', () => {
  const r = build({
    'procs.yaml': [
      'processes:',
      '  base:',
      '    command: node server.js',
      '    env: { A: base, B: base }',
      '    restart: { policy: always, max_restarts: 3 }',
      '    depends_on: [db]',
      '  mid: { extends: base, env: { B: mid }, restart: { max_restarts: 7 } }',
      '  top: { extends: mid, depends_on: [], env: { C: top } }',
      '  db: { command: db }',
      'pipelines:',
      '  p: { steps: [a, b], env: { X: "1" } }',
      '  q: { extends: p }',
    ].join('\n'),
  });
  const spec = specOf(r);
  const top = proc(spec, 'top');
  assert.deepEqual(top.command, { kind: 'shell', shell: '/bin/sh', script: 'node server.js' });
  assert.deepEqual([top.env.A, top.env.B, top.env.C], ['base', 'mid', 'top']);
  assert.deepEqual([top.restart.policy, top.restart.maxRestarts], ['always', 7]);
  assert.deepEqual(top.dependsOn, []);
  assert.deepEqual(proc(spec, 'mid').dependsOn, [{ name: 'db', condition: 'started' }]);
  const q = unit(spec, 'q');
  assert.equal(q.kind, 'pipeline');
  assert.equal(q.env.X, '1');
});

test('{ file, unit } extends a unit of another file; its paths stay relative to that file', () => {
  const r = build({
    'procs.yaml': 'processes:\n  api: { extends: { file: shared/base.yaml, unit: server }, env: { PORT: "1" } }\n',
    'shared/base.yaml': 'processes:\n  server: { extends: common, cwd: app }\n  common: { command: serve, env_file: base.env }\n',
    'shared/base.env': 'FROM=base\n',
  });
  const api = proc(specOf(r), 'api');
  assert.equal(api.cwd, '/project/shared/app');
  assert.deepEqual([api.env.FROM, api.env.PORT], ['base', '1']);
  assert.deepEqual(r.included, ['/project/shared/base.yaml']);
});

test('a problem in an inherited key points where it is written', () => {
  const r = build({
    'procs.yaml': 'processes:\n  api: { extends: { file: base.yaml, unit: server } }\n',
    'base.yaml': 'processes:\n  server:\n    command: x\n    stop: { signal: SIGNOPE }\n',
  });
  assert.equal(lines(r), 'base.yaml:4:21  bad signal `SIGNOPE` for processes.api.stop.signal; did you mean `SIGFPE`?');
});

test('unknown units, unknown files and cycles are positioned errors', () => {
  const r = build({
    'procs.yaml': [
      'processes:',
      '  api: { command: x }',
      '  a: { extends: apj }',
      '  b: { extends: { file: nope.yaml, unit: api } }',
      '  c: { extends: d }',
      '  d: { extends: c }',
      '  e: { extends: w }',
      'pools:',
      '  w: { command: w }',
    ].join('\n'),
  });
  assert.equal(
    lines(r),
    [
      'procs.yaml:3:17  processes.a extends `apj`: no process of that name; did you mean `api`?',
      'procs.yaml:4:25  extends: file `nope.yaml` not found',
      'procs.yaml:6:17  extends cycle: processes c → d → c',
      'procs.yaml:7:17  processes.e extends `w`: no process of that name (`w` is a pool: a unit extends one of its own section)',
    ].join('\n'),
  );
});

test('a very long chain is refused, not followed', () => {
  const units = Array.from({ length: 3000 }, (_, i) => `  u${i}: { extends: u${i + 1} }`);
  const r = build({ 'procs.yaml': `processes:\n${units.join('\n')}\n  u3000: { command: x }\n` });
  assert.equal(r.spec, undefined);
  assert.match(lines(r), /the extends chain is longer than 64 units/);
});
