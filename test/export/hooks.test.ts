// Hooks in each export: compose's lifecycle hooks, systemd's ExecStartPost=/ExecStop= and an
// OnFailure= one-shot, Kubernetes' lifecycle exec handlers; on_failure elsewhere a note.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { exportCompose } from '../../src/export/compose.js';
import { exportKubernetes } from '../../src/export/kubernetes.js';
import { exportSystemd } from '../../src/export/systemd.js';
import { composeSchemaErrors, fileText, load, systemdStructure, systemdVerify, yamlDocs } from './helpers.js';
import { kubernetesProblems } from './k8s-check.js';

const SPEC = `
processes:
  api:
    command: ["/bin/sleep", "100"]
    hooks:
      post_start: curl -fsS http://127.0.0.1:8080/warm?x=$$HOME
      pre_stop: { command: ["/usr/bin/touch", "/tmp/draining"], timeout: 5s }
      on_failure: { command: "echo failed >&2", timeout: 10s }
  worker:
    command: ["/bin/sleep", "100"]
`;

describe('export: hooks', () => {
  it('compose: post_start and pre_stop as lifecycle hooks, on_failure a note', () => {
    const r = exportCompose(load({ 'procs.yaml': SPEC }).spec);
    const text = fileText(r.files, 'compose.yaml');
    assert.deepEqual(composeSchemaErrors(text), []);
    const doc = parse(text, { version: '1.1' }) as { services: Record<string, Record<string, unknown>> };
    assert.deepEqual(doc.services.api?.post_start, [{ command: ['/bin/sh', '-c', 'curl -fsS http://127.0.0.1:8080/warm?x=$$HOME'] }]);
    assert.deepEqual(doc.services.api?.pre_stop, [{ command: ['/usr/bin/touch', '/tmp/draining'] }]);
    assert.equal(doc.services.worker?.post_start, undefined);
    assert.ok(
      r.notes.some((n) => n.includes('api: compose has no on_failure hook')),
      r.notes.join('\n'),
    );
  });

  it('systemd: ExecStartPost= and ExecStop=, on_failure as OnFailure= naming a one-shot unit the target does not want', () => {
    const r = exportSystemd(load({ 'procs.yaml': SPEC }).spec);
    assert.deepEqual(r.files.flatMap(systemdStructure), []);
    const api = fileText(r.files, 'project-api.service');
    assert.ok(api.includes('\nOnFailure=project-api-on-failure.service\n'), api);
    assert.ok(api.includes('\nExecStartPost=/bin/sh -c "curl -fsS http://127.0.0.1:8080/warm?x=$$HOME"\n'), api);
    assert.ok(api.includes('\nExecStop=/usr/bin/touch /tmp/draining\n'), api);
    assert.ok(api.indexOf('ExecStop=') < api.indexOf('KillSignal='));
    const hook = fileText(r.files, 'project-api-on-failure.service');
    for (const line of [
      'Type=oneshot',
      'Environment="PROCS_FAILED_UNIT=api"',
      'ExecStart=/bin/sh -c "echo failed >&2"',
      'TimeoutStartSec=10s',
      'WorkingDirectory=/project',
    ]) {
      assert.ok(hook.includes(`\n${line}\n`), `${line} in\n${hook}`);
    }
    const target = fileText(r.files, 'project.target');
    assert.ok(!target.includes('on-failure'), target);
    const worker = fileText(r.files, 'project-worker.service');
    assert.ok(!/ExecStartPost|ExecStop|OnFailure/.test(worker));
    const verify = systemdVerify(r.files);
    if (verify) assert.deepEqual(verify, []);
  });

  it('kubernetes: lifecycle postStart and preStop exec handlers, a shell string through /bin/sh -c', () => {
    const loaded = load({ 'procs.yaml': SPEC });
    const r = exportKubernetes(loaded.spec, { envFiles: loaded.envFiles });
    const text = fileText(r.files, 'kubernetes.yaml');
    assert.deepEqual(kubernetesProblems(text), []);
    const api = yamlDocs(text).find((d) => d.kind === 'Deployment' && (d.metadata as { name: string }).name === 'api') as Deployment | undefined;
    const lifecycle = api?.spec?.template.spec?.containers[0]?.lifecycle;
    assert.deepEqual(lifecycle, {
      postStart: { exec: { command: ['/bin/sh', '-c', 'curl -fsS http://127.0.0.1:8080/warm?x=$$HOME'] } },
      preStop: { exec: { command: ['/usr/bin/touch', '/tmp/draining'] } },
    });
    assert.ok(
      r.notes.some((n) => n.includes('api: Kubernetes has no on_failure hook')),
      r.notes.join('\n'),
    );
  });
});
