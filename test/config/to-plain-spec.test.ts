// The resolved spec written back in the spec's shape (`procs config`): defaults filled in, pools
// folded back, values shown as <set> unless asked for, and the result read back as the same spec.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { SET } from '../../src/config/redact.js';
import type { Spec } from '../../src/config/spec.js';
import { duration, toPlainSpec } from '../../src/config/to-plain-spec.js';
import { build, ENV, specOf } from './helpers.js';

const SPEC = `version: 1
name: shop
env:
  SECRET: hunter2
  PRICE: "5$$"
env_file: .env
processes:
  db:
    command: ["postgres", "-p", "\${DB_PORT}"]
    restart: never
    health:
      readiness:
        tcp: 127.0.0.1:\${DB_PORT}
  api:
    command: node api.js --token \${SECRET} --db \${DB_URL:-none}
    cwd: services/api
    env: { DB_PORT: 5432, MODE: "$$HOME" }
    depends_on: { db: healthy }
    stop: { signal: INT, timeout: 3s }
    health:
      readiness:
        http: http://admin:\${SECRET}@127.0.0.1:8080/ready
    watch: ["src/**"]
pools:
  worker:
    command: node worker.js --port \${PORT} --id \${WORKER_ID} --key \${SECRET}
    replicas: 3
    port: 7000
    depends_on: [api]
    health:
      readiness:
        http: http://127.0.0.1:\${PORT}/ready
pipelines:
  errors:
    steps: ["tail -F log", "grep ERROR"]
watch:
  assets:
    paths: ["assets/**"]
    run: echo \${SECRET}
    restart: [api]
`;
const FILES = { 'procs.yaml': SPEC, '.env': 'DB_PORT=6543\nFROM_FILE=abc\n' };

/** Definitions without what only says where they came from or how they are shown. */
function bare(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'hash' || k === 'source' || k === 'written' || k === 'display' ? undefined : v)));
}
const definitions = (spec: Spec): unknown => bare(spec.units);

describe('the resolved spec as a plain spec', () => {
  const spec = specOf(build(FILES));

  it('reads back as the same units and watch rules (values shown)', () => {
    const plain = toPlainSpec(spec, { inherited: ENV, showValues: true });
    const again = specOf(build({ 'procs.yaml': stringify(plain) }));
    assert.deepEqual(definitions(again), definitions(spec));
    assert.deepEqual(again.env, spec.env);
    assert.deepEqual(bare(again.watch), bare(spec.watch));
    assert.deepEqual(
      again.pools.map((p) => [p.name, p.replicas, p.basePort]),
      [['worker', 3, 7000]],
    );
  });

  it('fills in the defaults, in the spec key names, and folds a pool back from its instances', () => {
    const plain = toPlainSpec(spec, { inherited: ENV, showValues: true }) as Record<string, Record<string, Record<string, unknown>>>;
    const api = plain.processes?.api;
    assert.equal(api?.command, 'node api.js --token hunter2 --db none');
    assert.equal(api?.cwd, 'services/api');
    assert.deepEqual(api?.depends_on, { db: 'healthy' });
    assert.deepEqual(api?.stop, { signal: 'SIGINT', timeout: '3s' });
    assert.deepEqual(api?.restart, {
      policy: 'on-failure',
      max_restarts: 5,
      backoff: { initial: '250ms', factor: 2, max: '30s' },
      reset_after: '30s',
      success_codes: [0],
    });
    assert.deepEqual(api?.log, { max_size: '10MB', keep: 3 });
    assert.deepEqual(api?.watch, ['src/**']);
    assert.deepEqual(api?.env, { DB_PORT: '5432', MODE: '$$HOME' }, 'a `$` in a value is written `$$`, read back as one');
    assert.deepEqual(plain.processes?.db?.command, ['postgres', '-p', '6543'], 'the .env value');
    const worker = plain.pools?.worker;
    assert.equal(worker?.command, 'node worker.js --port ${PORT} --id ${WORKER_ID} --key hunter2', 'each instance keeps its own values');
    assert.equal((worker?.health as { readiness: { http: string } }).readiness.http, 'http://127.0.0.1:${PORT}/ready');
    assert.equal(worker?.replicas, 3);
    assert.equal(worker?.port, 7000);
    assert.equal(worker?.env, undefined, 'PORT, WORKER_ID and PROCS_INSTANCE are the pool’s own');
    assert.deepEqual(Object.keys(plain.watch ?? {}), ['assets'], 'the watch: shorthand stays on its unit');
    assert.deepEqual((plain.env as unknown as Record<string, string>).FROM_FILE, 'abc');
    assert.equal((plain.env as unknown as Record<string, string>).PATH, undefined, 'inherited values are not repeated');
  });

  it('shows every value as <set> unless asked, including interpolated ones and URL credentials', () => {
    const plain = toPlainSpec(spec, { inherited: ENV, showValues: false });
    const text = JSON.stringify(plain);
    for (const secret of ['hunter2', '6543', 'abc', '5432', 'admin']) assert.ok(!text.includes(secret), `${secret} is not shown`);
    const p = plain as Record<string, Record<string, Record<string, unknown>>>;
    assert.equal(p.processes?.api?.command, `node api.js --token ${SET} --db none`);
    assert.deepEqual(p.processes?.db?.command, ['postgres', '-p', SET]);
    assert.deepEqual(p.env, { SECRET: SET, PRICE: SET, FROM_FILE: SET, DB_PORT: SET });
    const health = p.processes?.api?.health as { readiness: { http: string } };
    assert.equal(health.readiness.http, `http://${SET}@127.0.0.1:8080/ready`);
    assert.equal((p.watch?.assets as { run: string }).run, `echo ${SET}`);
  });

  it('with values shown as <set>, is still a spec procs reads (ports and hosts written in it)', () => {
    const text =
      'env: { TOKEN: x1 }\nprocesses:\n  a:\n    command: run --token ${TOKEN}\n    health: { readiness: { http: "http://u:p@127.0.0.1:80/?t=${TOKEN}" } }\n';
    const plain = toPlainSpec(specOf(build({ 'procs.yaml': text })), { inherited: ENV, showValues: false });
    assert.ok(!JSON.stringify(plain).includes('x1'));
    const again = specOf(build({ 'procs.yaml': stringify(plain) }));
    assert.equal(again.units.length, 1);
  });

  it('says which inherited variables inherit_env kept', () => {
    const narrow = specOf(build({ 'procs.yaml': 'inherit_env: [PATH]\nprocesses:\n  a: { command: "true" }\n' }));
    assert.deepEqual(toPlainSpec(narrow, { inherited: ENV, showValues: true }).inherit_env, ['PATH']);
    const none = specOf(build({ 'procs.yaml': 'inherit_env: false\nprocesses:\n  a: { command: "true" }\n' }));
    assert.equal(toPlainSpec(none, { inherited: ENV, showValues: true }).inherit_env, false);
    const all = specOf(build({ 'procs.yaml': 'processes:\n  a: { command: "true" }\n' }));
    assert.equal(toPlainSpec(all, { inherited: ENV, showValues: true }).inherit_env, undefined);
  });

  it('maps a Procfile to processes with their PORT', () => {
    const procfile = specOf(build({ Procfile: 'web: node web.js --port $PORT\nworker: node w.js\n' }));
    const plain = toPlainSpec(procfile, { inherited: ENV, showValues: true }) as Record<string, Record<string, Record<string, unknown>>>;
    assert.equal(plain.processes?.web?.command, 'node web.js --port $$PORT');
    assert.deepEqual(plain.processes?.worker?.env, { PORT: '5100' });
    const again = specOf(build({ 'procs.yaml': stringify(plain) }));
    assert.deepEqual(definitions(again), definitions(procfile));
  });

  it('keeps the shell of every shell command, watch runs and probes included', () => {
    const text = 'shell: /bin/bash\nprocesses:\n  a:\n    command: [x]\n    health: { liveness: { exec: "check" } }\n';
    assert.equal(toPlainSpec(specOf(build({ 'procs.yaml': text })), { inherited: ENV, showValues: true }).shell, '/bin/bash');
    const watch = 'shell: /bin/bash\nprocesses:\n  a: { command: [x] }\nwatch:\n  w: { paths: [src], run: make }\n';
    assert.equal(toPlainSpec(specOf(build({ 'procs.yaml': watch })), { inherited: ENV, showValues: true }).shell, '/bin/bash');
  });

  it('keeps profiles and enabled: false, and reads back as the same units', () => {
    const text = 'processes:\n  api: { command: a }\n  db: { command: b, profiles: [seed, e2e] }\n  tool: { command: c, enabled: false }\n';
    const withProfiles = specOf(build({ 'procs.yaml': text }));
    const plain = toPlainSpec(withProfiles, { inherited: ENV, showValues: true }) as { processes: Record<string, Record<string, unknown>> };
    assert.deepEqual(
      ['api', 'db', 'tool'].map((n) => [plain.processes[n]?.profiles, plain.processes[n]?.enabled]),
      [
        [undefined, undefined],
        [['seed', 'e2e'], undefined],
        [undefined, false],
      ],
    );
    assert.deepEqual(definitions(specOf(build({ 'procs.yaml': stringify(plain) }))), definitions(withProfiles));
  });

  it('writes durations in the largest whole unit', () => {
    assert.deepEqual([0, 150, 2000, 90_000, 120_000, 3_600_000].map(duration), ['0s', '150ms', '2s', '90s', '2m', '1h']);
  });
});
