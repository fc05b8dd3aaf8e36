// The Kubernetes export of the pool-heavy fixture and of procs.example.yaml holds what the spec
// means: pods that know their index, PORT per pod, Services, and init containers that wait on the
// right Services with the right checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Container, Service } from 'kubernetes-types/core/v1.js';
import { checkExport } from '../../src/export/check/index.js';
import { exportSpec, loadForExport, type ExportResult } from '../../src/export/index.js';
import { fileText, yamlDocs } from './helpers.js';

const POOLS = fileURLToPath(new URL('../../../fixtures/export/pools/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const POD_INDEX = "metadata.labels['apps.kubernetes.io/pod-index']";

async function exported(cwd: string, files?: string[]): Promise<{ r: ExportResult; docs: Record<string, unknown>[] }> {
  const loaded = await loadForExport({ cwd, ...(files ? { files } : {}) });
  assert.ok(loaded.spec, loaded.diagnostics.map((d) => d.message).join('\n'));
  const r = exportSpec('kubernetes', loaded.spec, { envFiles: loaded.envFiles, outputDir: cwd, namespace: 'apps' });
  const reports = await checkExport('kubernetes', r.files);
  assert.deepEqual(
    reports.flatMap((x) => x.problems),
    [],
  );
  return { r, docs: yamlDocs(fileText(r.files, 'kubernetes.yaml')) };
}

function find<T>(docs: Record<string, unknown>[], kind: string, name: string): T {
  const d = docs.find((x) => x.kind === kind && (x.metadata as { name: string }).name === name);
  assert.ok(d, `no ${kind}/${name}`);
  return d as T;
}

/** The pod spec's containers of a workload, init containers first. */
function containers(w: StatefulSet): { init: Container[]; main: Container } {
  const spec = w.spec?.template.spec;
  assert.ok(spec?.containers[0]);
  return { init: spec.initContainers ?? [], main: spec.containers[0] };
}

describe('kubernetes export of the pool-heavy fixture', () => {
  it('runs each pool as a StatefulSet whose pods take WORKER_ID from their index and PORT = port + index', async () => {
    const { docs, r } = await exported(POOLS);
    for (const name of ['web', 'shard', 'indexer']) {
      const w = find<StatefulSet>(docs, 'StatefulSet', name);
      assert.equal(w.spec?.serviceName, name);
      const { main } = containers(w);
      assert.deepEqual(
        main.env?.map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath]),
        [
          ['WORKER_ID', POD_INDEX],
          ['PROCS_INSTANCE', POD_INDEX],
        ],
      );
      const svc = find<Service>(docs, 'Service', name);
      assert.equal(svc.spec?.clusterIP, 'None');
      assert.deepEqual(svc.spec?.selector, w.spec?.selector.matchLabels);
      assert.equal(w.metadata?.namespace, 'apps');
    }
    const web = containers(find<StatefulSet>(docs, 'StatefulSet', 'web')).main;
    assert.deepEqual(web.command, ['/bin/sh', '-c', 'export PORT=$$((8000 + WORKER_ID)); node web.js --port $${PORT}']);
    assert.match(web.readinessProbe?.exec?.command?.[2] ?? '', /wget -q -O \/dev\/null -T 1 http:\/\/127\.0\.0\.1:\$\(\(8000 \+ WORKER_ID\)\)\/health/);
    assert.deepEqual(
      find<Service>(docs, 'Service', 'web').spec?.ports?.map((p) => p.port),
      [8000, 8001, 8002],
    );
    const shard = containers(find<StatefulSet>(docs, 'StatefulSet', 'shard')).main;
    assert.deepEqual(shard.command, ['/bin/sh', '-c', 'node shard.js --shard $${WORKER_ID}']);
    assert.ok(!r.notes.some((n) => n.includes('replicas have no index')));
  });

  it('gives redis a ClusterIP Service and makes the pools wait on the right Services with the right checks', async () => {
    const { docs } = await exported(POOLS);
    const redis = find<Service>(docs, 'Service', 'redis');
    assert.equal(redis.spec?.clusterIP, undefined);
    assert.deepEqual(redis.spec?.ports, [{ name: 'tcp-6379', port: 6379, targetPort: 6379, protocol: 'TCP' }]);
    const init = (name: string) => containers(find<StatefulSet>(docs, 'StatefulSet', name)).init;
    assert.deepEqual(
      init('web').map((c) => c.name),
      ['wait-redis', 'setup'],
    );
    assert.match(init('web')[0]?.command?.[2] ?? '', /until nc -z -w 2 redis 6379;/);
    assert.match(init('web')[0]?.command?.[2] ?? '', /\+ 300\)\)/);
    assert.deepEqual(init('web')[1]?.command, ['/bin/sh', '-c', 'node setup.js']);
    const shardWait = init('shard').find((c) => c.name === 'wait-web')?.command?.[2] ?? '';
    for (const i of [0, 1, 2]) assert.match(shardWait, new RegExp(`wget -q -O /dev/null -T 2 http://web-${i}\\.web:800${i}/health`));
    assert.deepEqual(
      init('indexer').map((c) => c.name),
      ['wait-redis'],
    );
    assert.deepEqual(
      docs.filter((d) => (d.metadata as { name: string }).name === 'setup').map((d) => d.kind),
      [],
    );
    assert.deepEqual(
      docs.filter((d) => (d.metadata as { name: string }).name === 'setup-env').map((d) => d.kind),
      ['ConfigMap'],
    );
  });
});

describe('kubernetes export of procs.example.yaml', () => {
  it('waits for the api with an http check of its readiness path, gives it a Service, and indexes the worker pool', async () => {
    const { docs, r } = await exported(ROOT, ['procs.example.yaml']);
    const api = find<Service>(docs, 'Service', 'api');
    assert.deepEqual(
      api.spec?.ports?.map((p) => p.port),
      [4100],
    );
    const worker = find<StatefulSet>(docs, 'StatefulSet', 'worker');
    const { init, main } = containers(worker);
    assert.deepEqual(
      init.map((c) => c.name),
      ['wait-api'],
    );
    assert.match(init[0]?.command?.[2] ?? '', /until wget -q -O \/dev\/null -T 2 http:\/\/api:4100\/health;/);
    assert.equal(main.env?.[0]?.valueFrom?.fieldRef?.fieldPath, POD_INDEX);
    assert.equal(find<StatefulSet>(docs, 'Deployment', 'api').spec?.template.spec?.initContainers?.[0]?.name, 'setup');
    const seed = find<StatefulSet>(docs, 'Job', 'seed');
    assert.equal(seed.spec?.template.spec?.initContainers?.[0]?.name, 'wait-api');
    const kust = fileText(r.files, 'kustomization.yaml');
    assert.match(kust, /namespace: apps/);
    assert.match(kust, /resources:\n {2}- kubernetes\.yaml/);
    assert.ok(!r.notes.some((n) => n.includes('no start order')));
  });
});
