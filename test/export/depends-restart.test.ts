// `depends_on: { db: { restart: true } }` in the exports: systemd's PartOf=, compose's own
// `restart: true`, a note for Kubernetes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { exportCompose } from '../../src/export/compose.js';
import { exportKubernetes } from '../../src/export/kubernetes.js';
import { exportSystemd } from '../../src/export/systemd.js';
import { composeSchemaErrors, fileText, load, systemdStructure, systemdVerify } from './helpers.js';

const SPEC = `
processes:
  db: { command: ["/bin/sleep", "100"], health: { readiness: { tcp: "127.0.0.1:5432" } } }
  api: { command: ["/bin/sleep", "100"], depends_on: { db: { condition: healthy, restart: true } } }
  web: { command: ["/bin/sleep", "100"], depends_on: { api: started, worker: { restart: true } } }
pools:
  worker: { command: ["/bin/sleep", "100"], replicas: 2 }
`;

describe('export of depends_on restart: true', () => {
  it('systemd: PartOf= the dependency (every instance of a pool) beside Requires= and After=, with a note; systemd-analyze verify passes', () => {
    const r = exportSystemd(load({ 'procs.yaml': SPEC }).spec);
    assert.deepEqual(r.files.flatMap(systemdStructure), []);
    const api = fileText(r.files, 'project-api.service');
    for (const line of ['PartOf=project.target project-db.service', 'Requires=project-db.service', 'After=project-db.service'])
      assert.ok(api.includes(`\n${line}\n`), line);
    const web = fileText(r.files, 'project-web.service');
    assert.ok(web.includes('\nPartOf=project.target project-worker.0.service project-worker.1.service\n'), web);
    assert.ok(fileText(r.files, 'project-db.service').includes('\nPartOf=project.target\n'));
    assert.ok(r.notes.includes('api: PartOf= restarts it with db, but also stops it when they are stopped, which procs does not'), r.notes.join('\n'));
    const verify = systemdVerify(r.files);
    if (verify) assert.deepEqual(verify, []);
  });

  it('compose: depends_on keeps restart: true, valid against the compose schema', () => {
    const r = exportCompose(load({ 'procs.yaml': SPEC }).spec);
    const text = fileText(r.files, 'compose.yaml');
    assert.deepEqual(composeSchemaErrors(text), []);
    const services = (parse(text) as { services: Record<string, { depends_on?: unknown }> }).services;
    assert.deepEqual(services.api?.depends_on, { db: { condition: 'service_healthy', restart: true } });
    assert.deepEqual(services.web?.depends_on, { api: { condition: 'service_started' }, worker: { condition: 'service_started', restart: true } });
  });

  it('Kubernetes: a note that it is left out', () => {
    const r = exportKubernetes(load({ 'procs.yaml': SPEC }).spec);
    assert.ok(
      r.notes.includes('api: Kubernetes does not restart a pod when one it depends on restarts; depends_on restart: true is left out'),
      r.notes.join('\n'),
    );
    assert.ok(!r.notes.some((n) => n.startsWith('db: Kubernetes does not restart')));
  });
});
