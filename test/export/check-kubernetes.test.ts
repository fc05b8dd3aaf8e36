// `procs export kubernetes --check`: the offline check catches what the API server or procs'
// rules refuse: a schema error, a selector that matches nothing, a StatefulSet without its
// headless Service, a missing ConfigMap or Secret, a wrong downward API path, a missing resource.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkKubernetes } from '../../src/export/check/kubernetes.js';
import { exportKubernetes } from '../../src/export/kubernetes.js';
import type { ExportFile } from '../../src/export/types.js';
import { fileText, load } from './helpers.js';

const SPEC = `
processes:
  api: { command: node api.js, port: 3000, env_file: api.env }
pools:
  worker: { command: node w.js, replicas: 2, port: 7000, depends_on: { api: healthy } }
`;

/** A good export of SPEC, and a function that checks it after one textual change. */
function exported(): { files: ExportFile[]; problems: (from: string | RegExp, to: string, file?: string) => string[] } {
  const loaded = load({ 'procs.yaml': SPEC, 'api.env': 'TOKEN=x\n' });
  const files = [...exportKubernetes(loaded.spec, { envFiles: loaded.envFiles, outputDir: '/project' }).files];
  return {
    files,
    problems: (from, to, file = 'kubernetes.yaml') => {
      const text = fileText(files, file);
      const changed = text.replace(from, to);
      assert.notEqual(changed, text, `${String(from)} is not in ${file}`);
      return checkKubernetes(files.map((f) => (f.path === file ? { ...f, content: changed } : f))).flatMap((r) => r.problems);
    },
  };
}

describe('kubernetes --check', () => {
  it('passes a fresh export, naming each file and its checker', () => {
    const reports = checkKubernetes(exported().files);
    assert.deepEqual(
      reports.map((r) => [r.file, r.problems]),
      [
        ['kustomization.yaml', []],
        ['kubernetes.yaml', []],
      ],
    );
    assert.match(reports[1]?.checker ?? '', /kubernetes-models/);
  });

  it('catches a schema error', () => {
    const problems = exported().problems('replicas: 2', 'replicas: two');
    assert.ok(
      problems.some((p) => p.startsWith('StatefulSet/worker: ') && /replicas must be integer/.test(p)),
      problems.join('\n'),
    );
  });

  it('catches a selector that does not match the pod template, and a Service that selects no pods', () => {
    const problems = exported().problems(/(\n {6}labels:\n {8}app\.kubernetes\.io\/name:) worker/, '$1 workers');
    assert.ok(problems.includes('StatefulSet/worker: selector app.kubernetes.io/name=worker does not match the template'), problems.join('\n'));
    assert.ok(problems.includes('Service/worker: its selector matches no pod template in the file'), problems.join('\n'));
  });

  it('catches a StatefulSet whose serviceName names no headless Service', () => {
    const problems = exported().problems('clusterIP: None', 'clusterIP: 10.0.0.9');
    assert.ok(problems.includes('StatefulSet/worker: serviceName worker names no headless Service (clusterIP: None) in the file'), problems.join('\n'));
  });

  it('catches a Secret that kustomization does not generate, and a resource that is not exported', () => {
    const t = exported();
    assert.ok(
      t
        .problems('name: project-api-env', 'name: other', 'kustomization.yaml')
        .includes('Deployment/api: Secret project-api-env is not in the file or generated'),
    );
    assert.ok(t.problems('- kubernetes.yaml', '- k8s.yaml', 'kustomization.yaml').includes('resource k8s.yaml is not among the exported files'));
  });

  it('catches a downward API path the kubelet does not give', () => {
    const problems = exported().problems(/apps\.kubernetes\.io\/pod-index/g, 'pod index');
    assert.ok(
      problems.some((p) => p.startsWith('StatefulSet/worker: env WORKER_ID fieldRef')),
      problems.join('\n'),
    );
  });
});
