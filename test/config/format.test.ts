// formatDiagnostic, and loadSpec never throwing whatever it is given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDiagnostic, loadSpec } from '../../src/config/index.js';
import type { SpecDiagnostic } from '../../src/config/spec.js';
import { build, tempTree } from './helpers.js';

const d = (over: Partial<SpecDiagnostic>): SpecDiagnostic => ({ file: '/p/procs.yaml', line: 3, col: 5, message: 'oops', severity: 'error', ...over });

test('FILE:LINE:COL, two spaces, message; FILE relative under cwd, absolute elsewhere', () => {
  assert.equal(formatDiagnostic(d({}), '/p'), 'procs.yaml:3:5  oops');
  assert.equal(formatDiagnostic(d({ file: '/p/sub/x.yaml' }), '/p'), 'sub/x.yaml:3:5  oops');
  assert.equal(formatDiagnostic(d({}), '/elsewhere'), '/p/procs.yaml:3:5  oops');
  assert.equal(formatDiagnostic(d({ file: '/p/procs.yaml' }), '/p/sub'), '/p/procs.yaml:3:5  oops');
});

test('warnings say so after the position; problems without a line or file print less', () => {
  assert.equal(formatDiagnostic(d({ severity: 'warning' }), '/p'), 'procs.yaml:3:5  warning: oops');
  assert.equal(formatDiagnostic(d({ line: 0, col: 0 }), '/p'), 'procs.yaml  oops');
  assert.equal(formatDiagnostic(d({ file: '-m', line: 0, col: 0 }), '/p'), '-m  oops');
  assert.equal(formatDiagnostic(d({ file: '', line: 0, col: 0 }), '/p'), 'oops');
});

test('the core never throws, whatever the text', () => {
  const texts = [
    '',
    '\0\0\0',
    '[1, 2',
    '- a\n- b\n',
    '"just a string"',
    '42',
    'null',
    '~',
    '{a: {b: {c: [[[[]]]]}}}',
    'processes: 7',
    'processes: { a: null }',
    'processes: { a: { command: null } }',
    'processes: { a: [] }',
    'pools: { p: { command: x, replicas: 1.5 } }',
    'watch: { w: { paths: [] } }',
    'env: null',
    'env: { A: ~ }',
    'processes: { a: { command: x, depends_on: { b: [] } } }',
    'processes: { a: { command: x, health: { readiness: [] } } }',
    'processes: { a: { command: x, restart: { backoff: 5 } } }',
    'processes: { a: { command: x, env_file: [] } }',
    '? [a, b]\n: c\n',
    '&a a: *a\n',
    'processes: { __proto__: { command: x } }',
    'env: { __proto__: x }',
    `processes:\n${'  '.repeat(1)}a: ${'['.repeat(500)}${']'.repeat(500)}\n`,
    '%YAML 1.2\n---\na: 1\n---\nb: 2\n',
    'inherit_env: [1, 2]',
    'version: "1"',
    'version: 1.0',
  ];
  for (const text of texts) {
    const r = build({ 'procs.yaml': text });
    assert.ok(Array.isArray(r.diagnostics), text);
  }
});

test('loadSpec never throws either: a folder as -f, a missing cwd', async () => {
  const t = tempTree({ 'x/.keep': '' });
  try {
    for (const opts of [{ cwd: t.dir, files: ['x'] }, { cwd: `${t.dir}/missing` }, { cwd: t.dir, files: ['\0bad'] }]) {
      const r = await loadSpec(opts);
      assert.equal(r.spec, undefined);
      assert.ok(r.diagnostics.length > 0);
    }
  } finally {
    t.remove();
  }
});
