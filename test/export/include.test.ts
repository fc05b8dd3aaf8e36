// An export reads included and extended-from spec files as specs (only env files become
// references), and keeps each unit's env files and folder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './helpers.js';

test('included and extended-from files are read as specs; their env files stay references', () => {
  const r = load({
    'procs.yaml': 'include: [svc/procs.yaml]\nprocesses:\n  admin: { extends: { file: base.yaml, unit: web }, env: { A: "1" } }\n',
    'svc/procs.yaml': 'env_file: svc.env\nprocesses:\n  api: { command: node api.js }\n',
    'svc/svc.env': 'S=1\n',
    'base.yaml': 'processes:\n  web: { command: node web.js }\n',
  });
  assert.deepEqual(
    r.spec.units.map((u) => u.name),
    ['admin', 'api'],
  );
  assert.deepEqual(r.envFiles.api, ['/project/svc/svc.env']);
  assert.equal(r.spec.units.find((u) => u.name === 'api')?.cwd, '/project/svc');
});
