// -f FILE repeated: later files override earlier ones key by key, like compose override files.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadSpec } from '../../src/config/index.js';
import { build, ENV, FIXTURES, lines, proc } from './helpers.js';

const DIR = path.join(FIXTURES, 'good', 'override');

test('maps merge deeply; scalars and lists are replaced', async () => {
  const r = await loadSpec({ cwd: DIR, files: ['procs.yaml', 'procs.override.yaml'], env: { ...ENV } });
  assert.deepEqual(r.diagnostics, []);
  const spec = r.spec!;
  assert.deepEqual(r.files, [path.join(DIR, 'procs.yaml'), path.join(DIR, 'procs.override.yaml')]);
  assert.deepEqual(spec.files, r.files);
  const api = proc(spec, 'api');
  assert.deepEqual(api.command, { kind: 'exec', file: 'node', args: ['server.js'] }, 'lists are replaced');
  assert.deepEqual([api.env.PORT, api.env.MODE, api.env.LOG_LEVEL, api.env.REGION], ['3000', 'override', 'debug', 'eu']);
  assert.deepEqual([api.restart.policy, api.restart.maxRestarts], ['always', 10], 'nested maps merge');
  assert.deepEqual(api.dependsOn, [{ name: 'db', condition: 'started' }]);
  assert.equal(spec.pools[0]?.replicas, 5);
  assert.equal(spec.units.filter((u) => u.name.startsWith('worker.')).length, 5);
  assert.equal(spec.root, DIR, 'paths are relative to the first file');
});

test('without the override, the base stands', async () => {
  const r = await loadSpec({ cwd: DIR, files: ['procs.yaml'], env: { ...ENV } });
  assert.equal(proc(r.spec!, 'api').env.MODE, 'base');
});

test('problems point into the file that wrote the value', () => {
  const r = build(
    {
      'procs.yaml': 'processes:\n  a: { command: x }\n',
      'override.yaml': 'processes:\n  a:\n    stop: { signal: SIGWHATEVER }\n',
    },
    { files: ['procs.yaml', 'override.yaml'] },
  );
  assert.equal(lines(r), 'override.yaml:3:21  bad signal `SIGWHATEVER` for processes.a.stop.signal');
});

test('every unreadable file is reported, not just the first', () => {
  const r = build({ 'procs.yaml': 'processes: {}\n' }, { files: ['procs.yaml', 'one.yaml', 'two.yaml'] });
  assert.equal(lines(r), 'one.yaml  cannot read the spec: no such file\ntwo.yaml  cannot read the spec: no such file');
});
