// compose pools: one service per instance where the instances need their index (their own
// WORKER_ID, PROCS_INSTANCE and PORT), one service with deploy.replicas where they are alike; the
// pool-heavy fixture and the example exported hold these values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { exportCompose } from '../../src/export/compose.js';
import { exportSpec, loadForExport, UNCLASSIFIED, type ExportResult } from '../../src/export/index.js';
import { composeSchemaErrors, fileText, load } from './helpers.js';

interface Svc {
  entrypoint: string[];
  environment: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy: { replicas?: number; restart_policy: { condition: string } };
}

const POOLS = fileURLToPath(new URL('../../../fixtures/export/pools/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The services of a compose export, checked against the schema and procs' rules. */
function servicesOf(r: ExportResult): Record<string, Svc> {
  const text = fileText(r.files, 'compose.yaml');
  assert.deepEqual(composeSchemaErrors(text), []);
  return (parse(text, { version: '1.1' }) as { services: Record<string, Svc> }).services;
}

/** A folder's spec (or one file of it) exported to compose through exportSpec, as the CLI does. */
async function exported(cwd: string, files?: string[]): Promise<ExportResult> {
  const loaded = await loadForExport({ cwd, ...(files ? { files } : {}) });
  assert.ok(loaded.spec, loaded.diagnostics.map((d) => d.message).join('\n'));
  const r = exportSpec('compose', loaded.spec, { envFiles: loaded.envFiles, outputDir: `${cwd}/out` });
  assert.deepEqual(
    r.keys.filter((k) => k.how === UNCLASSIFIED),
    [],
  );
  return r;
}

/** Picks `key` of each named service. */
function each<K extends keyof Svc>(services: Record<string, Svc>, names: string[], key: K): Svc[K][] {
  return names.map((n) => {
    const s = services[n];
    assert.ok(s, `no service ${n} in ${Object.keys(services).join(', ')}`);
    return s[key];
  });
}

describe('export compose: pools', () => {
  it('the pool-heavy fixture: one service per instance where the index is used, each with its WORKER_ID and PORT', async () => {
    const r = await exported(POOLS);
    const services = servicesOf(r);
    assert.deepEqual(Object.keys(services), ['redis', 'setup', 'web-0', 'web-1', 'web-2', 'shard-0', 'shard-1', 'shard-2', 'shard-3', 'indexer']);
    const web = ['web-0', 'web-1', 'web-2'];
    assert.deepEqual(
      each(services, web, 'environment').map((e) => [e.WORKER_ID, e.PROCS_INSTANCE, e.PORT, e.PROCS_UNIT]),
      [
        ['0', '0', '8000', 'web.0'],
        ['1', '1', '8001', 'web.1'],
        ['2', '2', '8002', 'web.2'],
      ],
    );
    assert.deepEqual(each(services, web, 'ports'), [['8000:8000'], ['8001:8001'], ['8002:8002']]);
    assert.deepEqual(
      each(services, web, 'healthcheck').map((h) => /127\.0\.0\.1:(\d+)\/health/.exec(h?.test[1] ?? '')?.[1]),
      ['8000', '8001', '8002'],
    );
    assert.deepEqual(each(services, ['shard-0', 'shard-3'], 'entrypoint'), [
      ['/bin/sh', '-c', 'node shard.js --shard 0'],
      ['/bin/sh', '-c', 'node shard.js --shard 3'],
    ]);
    // A dependency on a pool written one service per instance names every instance.
    assert.deepEqual(services['shard-2']?.depends_on, {
      redis: { condition: 'service_healthy' },
      'web-0': { condition: 'service_healthy' },
      'web-1': { condition: 'service_healthy' },
      'web-2': { condition: 'service_healthy' },
    });
    // Alike instances stay one service with replicas.
    assert.equal(services.indexer?.deploy.replicas, 2);
    assert.equal(services.indexer?.environment.WORKER_ID, undefined);
    assert.deepEqual(services.setup?.deploy.restart_policy, { condition: 'none' });
    assert.ok(!r.notes.some((n) => /^(web|shard): compose replicas have no index/.test(n)), r.notes.join('\n'));
    const replicas = r.keys.filter((k) => k.key === 'replicas').map((k) => [k.unit, k.fate]);
    assert.deepEqual(replicas, [
      ['web', 'mapped'],
      ['shard', 'mapped'],
      ['indexer', 'approximated'],
    ]);
  });

  it('the example: the worker pool as replicas, restart policies for Swarm, the code built from the project', async () => {
    const r = await exported(ROOT, ['procs.example.yaml']);
    const services = servicesOf(r);
    assert.equal(services.worker?.deploy.replicas, 2);
    assert.deepEqual(services.ticker?.deploy.restart_policy, { condition: 'any', max_attempts: 5, delay: '250ms', window: '30s' });
    const text = fileText(r.files, 'compose.yaml');
    assert.match(text, /build:\n {6}context: \.\.\n {6}dockerfile: Dockerfile\n/);
    assert.match(text, /^# .*docker compose up --build/);
  });

  it('an index in the env, or a pool of one, gets WORKER_ID; a taken name gets a suffix', () => {
    const loaded = load({
      'procs.yaml': `
processes:
  q-1: { command: q }
pools:
  q: { command: node q.js, replicas: 2, env: { SHARD: "s\${WORKER_ID}" } }
  solo: { command: node solo.js, replicas: 1 }
  api: { command: node api.js, replicas: 2, depends_on: [q] }
`,
    });
    const r = exportCompose(loaded.spec, { outputDir: '/project/deploy' });
    const services = servicesOf(r);
    assert.deepEqual(Object.keys(services), ['q-1', 'q-0', 'q-1-2', 'solo', 'api']);
    assert.deepEqual(
      each(services, ['q-0', 'q-1-2'], 'environment').map((e) => [e.SHARD, e.WORKER_ID]),
      [
        ['s0', '0'],
        ['s1', '1'],
      ],
    );
    assert.deepEqual([services.solo?.environment.WORKER_ID, services.solo?.deploy.replicas], ['0', undefined]);
    assert.deepEqual(Object.keys(services.api?.depends_on ?? {}), ['q-0', 'q-1-2']);
  });
});
