// Profiles and `enabled: false` in exports: compose's own profiles (`manual` for a disabled
// unit), systemd units not wanted by the target, a Kubernetes note.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { exportCompose } from '../../src/export/compose.js';
import { exportKubernetes } from '../../src/export/kubernetes.js';
import { exportSystemd } from '../../src/export/systemd.js';
import { composeSchemaErrors, fileText, load } from './helpers.js';

const SPEC = `name: shop
processes:
  api: { command: node server.js }
  db: { command: postgres, profiles: [seed, e2e] }
  tool: { command: ./tool, enabled: false, restart: never }
`;

describe('export: profiles and enabled: false', () => {
  it('compose: profiles as they are, enabled: false as profile manual', () => {
    const r = exportCompose(load({ 'procs.yaml': SPEC }).spec);
    const text = fileText(r.files, 'compose.yaml');
    const services = (parse(text) as { services: Record<string, { profiles?: string[] }> }).services;
    assert.equal(services.api?.profiles, undefined);
    assert.deepEqual(services.db?.profiles, ['seed', 'e2e']);
    assert.deepEqual(services.tool?.profiles, ['manual']);
    assert.deepEqual(composeSchemaErrors(text), []);
    assert.ok(r.notes.some((n) => n.startsWith('tool: enabled: false becomes profile manual')));
  });

  it('systemd: a unit started on demand has no [Install] and the target does not want it', () => {
    const r = exportSystemd(load({ 'procs.yaml': SPEC }).spec);
    assert.match(fileText(r.files, 'shop-api.service'), /WantedBy=shop\.target/);
    assert.doesNotMatch(fileText(r.files, 'shop-db.service'), /\[Install\]|WantedBy/);
    assert.doesNotMatch(fileText(r.files, 'shop-tool.service'), /\[Install\]|WantedBy/);
    assert.match(fileText(r.files, 'shop.target'), /^Wants=shop-api\.service$/m);
    assert.ok(
      r.notes.includes('db: starts only on demand in procs (profiles seed, e2e not active): not wanted by the target; systemctl start shop-db.service'),
    );
  });

  it('kubernetes: a note for each unit started on demand', () => {
    const r = exportKubernetes(load({ 'procs.yaml': SPEC }).spec);
    assert.ok(r.notes.some((n) => n.startsWith('tool: starts only on demand in procs (enabled: false)')));
    assert.ok(!r.notes.some((n) => n.startsWith('api:') && n.includes('on demand')));
  });
});
