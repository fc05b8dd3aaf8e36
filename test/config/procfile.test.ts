// A Procfile read as a spec, with foreman's conventions.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadSpec } from '../../src/config/index.js';
import { build, ENV, FIXTURES, lines, proc, specOf } from './helpers.js';

const DIR = path.join(FIXTURES, 'good', 'procfile');
const PROCFILE = 'web: serve -p $PORT\nworker: node worker.js\n\n# a comment\nclock-tick_1: ./clock\n';

test('each line is a process run through the shell exactly as written', async () => {
  const r = await loadSpec({ cwd: DIR, env: { ...ENV } });
  assert.deepEqual(r.diagnostics, []);
  const spec = r.spec!;
  assert.deepEqual(
    spec.units.map((u) => u.name),
    ['web', 'worker', 'release-task'],
  );
  assert.deepEqual(proc(spec, 'web').command, { kind: 'shell', shell: '/bin/sh', script: 'bundle exec rails server -p $PORT' });
  assert.deepEqual(proc(spec, 'worker').command, { kind: 'shell', shell: '/bin/sh', script: 'node worker.js --id ${WORKER_ID}' }, 'not interpolated');
  assert.deepEqual(proc(spec, 'release-task').command, { kind: 'shell', shell: '/bin/sh', script: './bin/release && echo "$$ done"' });
  assert.equal(proc(spec, 'web').env.GREETING, 'hello from .env', '.env applies');
  assert.equal(proc(spec, 'web').source?.line, 2);
});

test('PORT = 5000 + 100 × entry index', () => {
  const spec = specOf(build({ Procfile: PROCFILE }));
  assert.deepEqual(
    spec.units.map((u) => [u.name, u.env.PORT]),
    [
      ['web', '5000'],
      ['worker', '5100'],
      ['clock-tick_1', '5200'],
    ],
  );
});

test('-m: a count other than 1 makes a pool NAME.I with PORT + instance; 0 runs nothing', () => {
  const spec = specOf(build({ Procfile: PROCFILE }, { formation: { web: 2, worker: 0 } }));
  assert.deepEqual(
    spec.units.map((u) => [u.name, u.env.PORT, u.env.WORKER_ID]),
    [
      ['web.0', '5000', '0'],
      ['web.1', '5001', '1'],
      ['clock-tick_1', '5200', undefined],
    ],
  );
  assert.deepEqual(
    spec.pools.map((p) => [p.name, p.replicas, p.basePort]),
    [
      ['web', 2, 5000],
      ['worker', 0, 5100],
    ],
  );
  assert.deepEqual(proc(spec, 'web.1').command, { kind: 'shell', shell: '/bin/sh', script: 'serve -p $PORT' });
});

test('-m all=N sets every entry; named entries override it', () => {
  const spec = specOf(build({ Procfile: PROCFILE }, { formation: { all: 2, 'clock-tick_1': 1 } }));
  assert.equal(lines(build({ Procfile: PROCFILE }, { formation: { all: 2, clock: 0 } })), '-m  no Procfile entry named `clock`');
  assert.deepEqual(
    spec.units.map((u) => u.name),
    ['web.0', 'web.1', 'worker.0', 'worker.1', 'clock-tick_1'],
  );
});

test('Procfile.dev is a Procfile too; it cannot be merged with other files', () => {
  assert.ok(build({ 'Procfile.dev': 'web: x\n' }).spec);
  const r = build({ 'procs.yaml': 'processes: { a: { command: x } }\n', Procfile: 'web: x\n' }, { files: ['procs.yaml', 'Procfile'] });
  assert.equal(lines(r), 'Procfile  a Procfile cannot be merged with other spec files');
});

test('names must still be valid unit names', () => {
  assert.equal(
    lines(build({ Procfile: 'Web: x\n' })),
    'Procfile:1:1  bad name `Web` in processes: names use lowercase letters, digits, - and _, and start with a letter or digit',
  );
});

test('a line that is not `name: command` is skipped with a positioned warning, as foreman and honcho do', () => {
  const r = build({ Procfile: 'web: serve\n  +foo: bar\nnot an entry\n# comment\n\nworker: node w.js\n' });
  assert.deepEqual(
    specOf(r).units.map((u) => [u.name, u.env.PORT]),
    [
      ['web', '5000'],
      ['worker', '5100'],
    ],
  );
  assert.equal(
    lines(r),
    [
      'Procfile:2:3  warning: line skipped: a Procfile line is `name: command`, the name of letters, digits, - and _',
      'Procfile:3:1  warning: line skipped: a Procfile line is `name: command`, the name of letters, digits, - and _',
    ].join('\n'),
  );
});
