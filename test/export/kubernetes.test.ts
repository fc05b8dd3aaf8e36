// Kubernetes mapping tables: probes, restart policies, one-shot steps, pools, pipelines, names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Container } from 'kubernetes-types/core/v1.js';
import { exportKubernetes } from '../../src/export/kubernetes.js';
import { fileText, load, yamlDocs } from './helpers.js';
import { kubernetesProblems } from './k8s-check.js';

/** The manifests of a spec text, checked, as plain objects. */
function manifests(spec: string, image?: string): { docs: Record<string, unknown>[]; notes: readonly string[] } {
  const loaded = load({ 'procs.yaml': spec });
  const r = exportKubernetes(loaded.spec, { envFiles: loaded.envFiles, ...(image ? { image } : {}) });
  const text = fileText(r.files, 'kubernetes.yaml');
  assert.deepEqual(kubernetesProblems(text), []);
  return { docs: yamlDocs(text), notes: r.notes };
}

/** The workload (Deployment or Job) named `name`. */
function workload(docs: Record<string, unknown>[], name: string): Deployment | Job {
  const d = docs.find((x) => x.kind !== 'ConfigMap' && x.kind !== 'Service' && (x.metadata as { name: string }).name === name);
  assert.ok(d, `no workload ${name}`);
  return d;
}

/** The main container of a workload. */
function container(w: Deployment | Job): Container {
  const c = w.spec?.template.spec?.containers[0];
  assert.ok(c);
  return c;
}

describe('export kubernetes', () => {
  it('maps http, tcp and exec probes, timings rounded up to whole seconds; a log probe is left out with a note', () => {
    const { docs, notes } = manifests(`
processes:
  web:
    command: ["node", "web.js"]
    health:
      readiness: { http: "https://127.0.0.1:8443/ready?deep=1", interval: 1500ms, timeout: 200ms, initial_delay: 2s, failure_threshold: 4, success_threshold: 2 }
      liveness: { tcp: "10.0.0.5:9000", interval: 10s }
  job:
    command: sleep 100
    health:
      readiness: { log: "listening on" }
      liveness: { exec: "test -f /tmp/ok", success_threshold: 3 }
`);
    const web = container(workload(docs, 'web'));
    assert.deepEqual(web.readinessProbe, {
      httpGet: { path: '/ready?deep=1', port: 8443, scheme: 'HTTPS' },
      periodSeconds: 2,
      timeoutSeconds: 1,
      initialDelaySeconds: 2,
      failureThreshold: 4,
      successThreshold: 2,
    });
    assert.deepEqual(web.livenessProbe?.tcpSocket, { port: 9000, host: '10.0.0.5' });
    assert.deepEqual(web.ports, [{ containerPort: 8443 }, { containerPort: 9000 }]);
    const job = container(workload(docs, 'job'));
    assert.equal(job.readinessProbe, undefined);
    assert.deepEqual(job.livenessProbe?.exec?.command, ['/bin/sh', '-c', 'test -f /tmp/ok']);
    assert.equal(job.livenessProbe?.successThreshold, 1);
    assert.ok(notes.some((n) => n.startsWith('job: the readiness probe watches the output')));
    assert.ok(notes.some((n) => n.includes('requires success_threshold 1')));
    assert.ok(notes.some((n) => n.startsWith("web: Kubernetes probes the pod's IP, not 127.0.0.1")));
  });

  it('restart always and on-failure are Deployments; never is a Job with restartPolicy Never', () => {
    const { docs } = manifests(`
processes:
  a: { command: a, restart: always }
  b: { command: b, restart: on-failure }
  c: { command: c, restart: never }
`);
    assert.equal(workload(docs, 'a').kind, 'Deployment');
    assert.equal(workload(docs, 'b').kind, 'Deployment');
    const c = workload(docs, 'c') as Job;
    assert.equal(c.kind, 'Job');
    assert.equal(c.spec?.backoffLimit, 0);
    assert.equal(c.spec?.template.spec?.restartPolicy, 'Never');
  });

  it('runs one-shot steps waited for with completed as init containers, waits for Services, and keeps the rest as an annotation', () => {
    const { docs, notes } = manifests(`
processes:
  db: { command: db, port: 5432 }
  cache: { command: cache }
  fetch: { command: fetch, restart: never }
  migrate: { command: migrate, restart: never, depends_on: { fetch: completed, db: healthy } }
  api: { command: api, depends_on: { migrate: completed, db: healthy, cache: started } }
`);
    assert.equal(docs.filter((d) => d.kind === 'Job').length, 0);
    const api = workload(docs, 'api');
    const init = api.spec?.template.spec?.initContainers ?? [];
    assert.deepEqual(
      init.map((c) => c.name),
      ['fetch', 'wait-db', 'migrate'],
    );
    assert.match(init[1]?.command?.[2] ?? '', /until nc -z -w 2 db 5432; do/);
    assert.equal(api.metadata?.annotations?.['procs/depends-on'], 'cache=started');
    assert.ok(notes.includes('migrate: runs as an init container of api, so once each time one of its pods starts'));
    assert.ok(notes.some((n) => n.startsWith('api: Kubernetes does not wait for cache (started)')));
    assert.ok(!notes.some((n) => n.includes('no start order')));
  });

  it('a pool is a StatefulSet behind a headless Service: WORKER_ID from the pod index, PORT = port + index', () => {
    const { docs, notes } = manifests(`
pools:
  worker: { command: ["node", "w.js", "--port", "\${PORT}"], replicas: 3, port: 7000 }
`);
    const w = workload(docs, 'worker') as unknown as StatefulSet;
    assert.equal(w.kind, 'StatefulSet');
    assert.equal(w.spec?.replicas, 3);
    assert.equal(w.spec?.serviceName, 'worker');
    const c = w.spec?.template.spec?.containers[0];
    assert.deepEqual(c?.ports, [{ containerPort: 7000 }, { containerPort: 7001 }, { containerPort: 7002 }]);
    assert.deepEqual(c?.command, ['/bin/sh', '-c', 'export PORT=$$((7000 + WORKER_ID)); exec node w.js --port "$${PORT}"']);
    assert.deepEqual(c?.env?.[0], { name: 'WORKER_ID', valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } });
    const svc = docs.find((d) => d.kind === 'Service') as { spec: { clusterIP: string; selector: Record<string, string> } };
    assert.equal(svc.spec.clusterIP, 'None');
    assert.deepEqual(svc.spec.selector, w.spec?.selector.matchLabels);
    const cm = docs.find((d) => d.kind === 'ConfigMap') as { data: Record<string, string> };
    assert.equal(cm.data.PORT, undefined);
    assert.equal(cm.data.WORKER_ID, undefined);
    assert.equal(cm.data.PROCS_UNIT, 'worker');
    assert.equal(w.metadata?.annotations?.['procs/instances'], undefined);
    assert.ok(!notes.some((n) => n.includes('replicas have no index')));
  });

  it('an exec-form pool command without what differs per instance keeps its argv after the PORT prefix', () => {
    const { docs } = manifests(`
pools:
  worker: { command: ["node", "w.js"], replicas: 2, port: 7000 }
  batch: { command: "node b.js \${WORKER_ID}", replicas: 2, restart: never }
`);
    const w = workload(docs, 'worker');
    assert.deepEqual(w.spec?.template.spec?.containers[0]?.command, ['/bin/sh', '-c', 'export PORT=$$((7000 + WORKER_ID)); exec "$$0" "$$@"', 'node', 'w.js']);
    const b = workload(docs, 'batch') as Job;
    assert.equal(b.spec?.completionMode, 'Indexed');
    assert.equal(b.spec?.completions, 2);
    const c = b.spec?.template.spec?.containers[0];
    assert.deepEqual(c?.command, ['/bin/sh', '-c', 'node b.js $${WORKER_ID}']);
    assert.equal(c?.env?.[0]?.valueFrom?.fieldRef?.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  });

  it('listen: is containerPorts and PORT only, with a note that no socket is held and adopt: node is dropped', () => {
    const { docs, notes } = manifests(`
processes:
  api: { command: node api.js, listen: { address: [3000, "127.0.0.1:3001", "[::1]:3001"], adopt: node } }
pools:
  web: { command: node w.js, replicas: 2, listen: 8080 }
`);
    assert.deepEqual(container(workload(docs, 'api') as Deployment).ports, [{ containerPort: 3000 }, { containerPort: 3001 }]);
    assert.deepEqual(container(workload(docs, 'web') as Deployment).ports, [{ containerPort: 8080 }]);
    const data = (name: string) =>
      (docs.find((d) => d.kind === 'ConfigMap' && (d.metadata as { name: string }).name === `${name}-env`) as { data: Record<string, string> }).data;
    assert.equal(data('api').PORT, '3000');
    assert.equal(data('web').PORT, '8080');
    assert.ok(!Object.keys(data('api')).some((k) => /NODE_OPTIONS|LISTEN/.test(k)));
    assert.ok(
      notes.includes(
        'api: listen: is only PORT=3000 and containerPort 3000, 3001 in Kubernetes: the process binds its ports itself and no socket is held across restarts; adopt: node is dropped',
      ),
      notes.join('\n'),
    );
    assert.ok(
      notes.some((n) => n.startsWith('web: listen: is only PORT=8080 and containerPort 8080 in Kubernetes')),
      notes.join('\n'),
    );
  });

  it('maps tty and stdin to the container’s tty and stdin (a terminal takes input too)', () => {
    const { docs } = manifests(`
processes:
  repl: { command: node, tty: true }
  feed: { command: cat, stdin: true }
  plain: { command: "true" }
`);
    const flags = (name: string) => {
      const c = container(workload(docs, name));
      return [c.tty, c.stdin];
    };
    assert.deepEqual(flags('repl'), [true, true]);
    assert.deepEqual(flags('feed'), [undefined, true]);
    assert.deepEqual(flags('plain'), [undefined, undefined]);
  });

  it('a pipeline is one container running its steps through sh -c with pipefail', () => {
    const { docs } = manifests(`
pipelines:
  logs: { steps: ["tail -F a.log", ["grep", "it's"], "x && y"] }
`);
    const c = container(workload(docs, 'logs'));
    assert.deepEqual(c.command, ['/bin/sh', '-c', `(set -o pipefail) 2>/dev/null && set -o pipefail; tail -F a.log | grep 'it'\\''s' | { x && y\n}`]);
  });

  it('command forms, $ escaped for Kubernetes, cwd below /app, the --image, stop timeout and signal', () => {
    const { docs, notes } = manifests(
      `
processes:
  shell_thing_:
    command: echo "$$HOME" $$(date) 100%
    cwd: services/x
    stop: { signal: SIGINT, timeout: 2500ms }
`,
      'registry.example/app:1',
    );
    const w = workload(docs, 'shell-thing');
    const c = container(w);
    assert.equal(c.image, 'registry.example/app:1');
    assert.deepEqual(c.command, ['/bin/sh', '-c', 'echo "$$HOME" $$(date) 100%']);
    assert.equal(c.workingDir, '/app/services/x');
    assert.equal(w.spec?.template.spec?.terminationGracePeriodSeconds, 3);
    assert.equal(w.metadata?.annotations?.['procs/stop-signal'], 'SIGINT');
    assert.ok(notes.some((n) => n.includes('not SIGINT')));
  });

  it('--namespace and the app.kubernetes.io labels on every object; kustomization.yaml generates the Secrets from the env files', () => {
    const loaded = load({ 'procs.yaml': 'name: shop\nprocesses:\n  api: { command: a, port: 3000, env_file: conf/api.env }\n', 'conf/api.env': 'K=v\n' });
    const r = exportKubernetes(loaded.spec, { envFiles: loaded.envFiles, outputDir: '/project/deploy', namespace: 'team-a' });
    const docs = yamlDocs(fileText(r.files, 'kubernetes.yaml'));
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['ConfigMap', 'Deployment', 'Service'],
    );
    for (const d of docs) {
      const meta = d.metadata as { namespace: string; labels: Record<string, string> };
      assert.equal(meta.namespace, 'team-a');
      assert.deepEqual(meta.labels, {
        'app.kubernetes.io/name': 'api',
        'app.kubernetes.io/instance': 'shop',
        'app.kubernetes.io/component': 'api',
        'app.kubernetes.io/part-of': 'shop',
        'app.kubernetes.io/managed-by': 'procs',
      });
    }
    const kust = fileText(r.files, 'kustomization.yaml');
    assert.match(
      kust,
      /namespace: team-a\nresources:\n {2}- kubernetes\.yaml\nsecretGenerator:\n {2}- name: shop-api-env\n {4}envs:\n {6}- \.\.\/conf\/api\.env\n/,
    );
    assert.match(kust, /LoadRestrictionsNone/);
    assert.doesNotMatch(kust + fileText(r.files, 'kubernetes.yaml'), /K=v/);
  });

  it('makes names DNS-1123 labels, unique when two names clean up alike', () => {
    const { docs } = manifests('processes:\n  a_b: { command: a }\n  a-b: { command: b }\n');
    const names = docs.filter((d) => d.kind === 'Deployment').map((d) => (d.metadata as { name: string }).name);
    assert.deepEqual(names, ['a-b', 'a-b-2']);
  });
});
