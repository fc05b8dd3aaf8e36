// The normalized Spec: defaults, units of time and size, paths, commands, pools, watch rules,
// order, hashes and freezing. Built from the contract's own example.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it, test } from 'node:test';
import { unitHash } from '../../src/config/hash.js';
import { loadSpec } from '../../src/config/index.js';
import type { Spec } from '../../src/config/spec.js';
import { toPlainSpec } from '../../src/config/to-plain-spec.js';
import { build, ENV, FIXTURES, lines, proc, specOf, unit } from './helpers.js';

const CONTRACT = path.join(FIXTURES, 'good', 'contract');

async function contract(): Promise<Spec> {
  const r = await loadSpec({ cwd: CONTRACT, env: { ...ENV } });
  assert.deepEqual(r.diagnostics, []);
  assert.ok(r.spec);
  return r.spec;
}

test('the contract example loads without a problem, units in dependency order', async () => {
  const spec = await contract();
  assert.equal(spec.project, 'contract', 'project name: the folder name');
  assert.equal(spec.root, CONTRACT);
  assert.deepEqual(spec.files, [path.join(CONTRACT, 'procs.yaml')]);
  assert.deepEqual(
    spec.units.map((u) => u.name),
    ['db', 'migrate', 'api', 'worker.0', 'worker.1', 'worker.2', 'worker.3', 'errors'],
  );
  assert.deepEqual(
    spec.pools.map((p) => [p.name, p.replicas, p.basePort]),
    [['worker', 4, 7000]],
  );
});

test('defaults are filled in: restart, stop, log, probes, shell, cwd', async () => {
  const spec = await contract();
  const db = proc(spec, 'db');
  assert.deepEqual(db.restart, {
    policy: 'on-failure',
    maxRestarts: 5,
    backoff: { initialMs: 250, factor: 2, maxMs: 30_000 },
    resetAfterMs: 30_000,
    successCodes: [0],
  });
  assert.deepEqual(db.stop, { signal: 'SIGTERM', timeoutMs: 10_000 });
  assert.deepEqual(db.log, { maxSizeBytes: 10 * 1024 * 1024, keep: 3 });
  assert.deepEqual(db.health.readiness, {
    check: { kind: 'tcp', host: '127.0.0.1', port: 6391, display: '127.0.0.1:***', written: '127.0.0.1:${REDIS_PORT:-6390}' },
    intervalMs: 200,
    timeoutMs: 1000,
    initialDelayMs: 0,
    failureThreshold: 3,
    successThreshold: 1,
  });
  assert.deepEqual(
    db.command,
    { kind: 'shell', shell: '/bin/sh', script: 'redis-server --port 6391', written: 'redis-server --port ${REDIS_PORT:-6390}' },
    'REDIS_PORT from env_file .env',
  );
  assert.equal(db.cwd, CONTRACT);
  assert.deepEqual(db.dependsOn, []);
  assert.equal(proc(spec, 'migrate').restart.policy, 'never');
});

test('api: exec command, cwd resolved, map dependencies, both probes, full restart form', async () => {
  const api = proc(await contract(), 'api');
  assert.deepEqual(api.command, { kind: 'exec', file: 'node', args: ['server.js'] });
  assert.equal(api.cwd, path.join(CONTRACT, 'services/api'));
  assert.deepEqual(api.dependsOn, [
    { name: 'db', condition: 'healthy' },
    { name: 'migrate', condition: 'completed' },
  ]);
  assert.deepEqual(api.health.readiness?.check, { kind: 'http', url: 'http://127.0.0.1:3000/health', display: 'http://127.0.0.1:3000/health' });
  assert.equal(api.health.liveness?.intervalMs, 5000);
  assert.deepEqual(api.health.liveness?.check, {
    kind: 'exec',
    command: { kind: 'shell', shell: '/bin/sh', script: 'curl -fsS 127.0.0.1:3000/health' },
    display: 'curl -fsS 127.0.0.1:3000/health',
  });
  assert.equal(api.env.PORT, '3000');
  assert.equal(api.env.NODE_ENV, 'development');
  assert.equal(api.env.FROM_DOTENV, 'yes');
});

test('pools expand into instances NAME.I with WORKER_ID, PROCS_INSTANCE and PORT; list dependencies mean started', async () => {
  const spec = await contract();
  const w2 = proc(spec, 'worker.2');
  assert.equal(w2.kind, 'instance');
  assert.equal(w2.pool, 'worker');
  assert.equal(w2.index, 2);
  assert.deepEqual([w2.env.WORKER_ID, w2.env.PROCS_INSTANCE, w2.env.PORT, w2.env.PROCS_UNIT], ['2', '2', '7002', 'worker.2']);
  assert.deepEqual(w2.dependsOn, [{ name: 'db', condition: 'started' }]);
  assert.equal(proc(spec, 'worker.0').env.PORT, '7000');
});

test('pipelines keep their steps; watch rules are normalized', async () => {
  const spec = await contract();
  const errors = unit(spec, 'errors');
  assert.equal(errors.kind, 'pipeline');
  assert.ok(errors.kind === 'pipeline' && errors.steps.length === 3);
  const rule = spec.watch[0]!;
  assert.equal(rule.name, 'api-build');
  assert.deepEqual(rule.paths, ['services/api/src/**/*.ts']);
  assert.deepEqual(rule.ignore, ['**/*.test.ts']);
  assert.equal(rule.debounceMs, 150);
  assert.equal(rule.sync, path.join(CONTRACT, 'build/mirror'));
  assert.deepEqual(rule.run, { kind: 'shell', shell: '/bin/sh', script: 'npm run build --workspace api' });
  assert.deepEqual([rule.restart, rule.rolling, rule.initial, rule.poll], [['api', 'worker'], true, true, false]);
  assert.equal(rule.cwd, CONTRACT);
  assert.equal(rule.env.PROCS_UNIT, 'api-build');
});

test("a unit's watch: shorthand becomes a rule NAME.watch restarting it", () => {
  const spec = specOf(build({ 'procs.yaml': 'processes:\n  api: { command: x, cwd: api, watch: ["src/**"] }\n' }));
  assert.deepEqual(
    spec.watch.map((w) => [w.name, w.paths, w.restart, w.cwd, w.debounceMs]),
    [['api.watch', ['src/**'], ['api'], '/project/api', 150]],
  );
});

test('sizes, durations, signals and the name: key', () => {
  const spec = specOf(
    build({
      'procs.yaml': `
name: shop
shell: /bin/bash
processes:
  a:
    command: x
    stop: { signal: INT, timeout: 1m30s }
    log: { max_size: 512KB, keep: 0 }
    restart: { policy: always, backoff: { initial: 0.5, max: 2 }, success_codes: [0, 3] }
`,
    }),
  );
  const a = proc(spec, 'a');
  assert.equal(spec.project, 'shop');
  assert.equal(a.env.PROCS_PROJECT, 'shop');
  assert.deepEqual(a.command, { kind: 'shell', shell: '/bin/bash', script: 'x' });
  assert.deepEqual(a.stop, { signal: 'SIGINT', timeoutMs: 90_000 });
  assert.deepEqual(a.log, { maxSizeBytes: 512 * 1024, keep: 0 });
  assert.deepEqual(a.restart.backoff, { initialMs: 500, factor: 2, maxMs: 2000 });
  assert.deepEqual(a.restart.successCodes, [0, 3]);
});

test('the result is deeply frozen', async () => {
  const spec = await contract();
  assert.ok(Object.isFrozen(spec));
  assert.ok(Object.isFrozen(spec.units));
  assert.ok(Object.isFrozen(proc(spec, 'api').env));
  assert.ok(Object.isFrozen(proc(spec, 'api').restart.backoff));
  assert.ok(Object.isFrozen(spec.watch[0]!.paths));
  assert.throws(() => {
    (proc(spec, 'api').env as Record<string, string>).PORT = '1';
  }, TypeError);
});

test('a unit hash is computed when first read, not while loading (validate reads none), and is then the same', () => {
  const a = proc(specOf(build({ 'procs.yaml': 'processes:\n  a: { command: serve, env: { X: "1" } }\n' })), 'a');
  assert.equal(typeof Object.getOwnPropertyDescriptor(a, 'hash')?.get, 'function', 'not computed while loading');
  assert.ok(Object.isFrozen(a));
  assert.match(a.hash, /^[0-9a-f]{32}$/);
  assert.equal(a.hash, unitHash(a));
  assert.ok(Object.keys(a).includes('hash'));
  assert.equal((JSON.parse(JSON.stringify(a)) as { hash: string }).hash, a.hash);
  assert.equal({ ...a }.hash, a.hash);
});

test('hashes are stable, ignore where a unit is written, and change with its definition', () => {
  const hash = (yaml: string, name = 'a'): string => proc(specOf(build({ 'procs.yaml': yaml })), name).hash;
  const base = 'processes:\n  a: { command: serve, env: { X: "1" } }\n  b: { command: other }\n';
  assert.match(hash(base), /^[0-9a-f]{32}$/);
  assert.equal(hash(base), hash(base));
  assert.equal(hash(base), hash(`# moved down\n\n${base}`), 'position is not part of the hash');
  assert.equal(hash(base), hash('processes:\n  b: { command: other }\n  a: { env: { X: "1" }, command: serve }\n'), 'key order is not either');
  assert.notEqual(hash(base), hash(base.replace('serve', 'serve --fast')));
  assert.notEqual(hash(base), hash(base.replace('"1"', '"2"')), 'env is part of the definition');
  assert.notEqual(hash(base), hash(`${base.replace('command: serve', 'command: serve, restart: never')}`));
  assert.equal(hash(base, 'b'), hash(base.replace('serve', 'serve --fast'), 'b'), 'other units keep theirs');
});

test('instances of one pool hash differently (each has its own env)', () => {
  const spec = specOf(build({ 'procs.yaml': 'pools:\n  w: { command: x, replicas: 2 }\n' }));
  assert.notEqual(proc(spec, 'w.0').hash, proc(spec, 'w.1').hash);
});

test('replicas default to 1, may be 0, and -m overrides them (all=N too)', () => {
  const yaml = 'pools:\n  w: { command: x }\n  v: { command: y, replicas: 0 }\n';
  assert.deepEqual(
    specOf(build({ 'procs.yaml': yaml })).units.map((u) => u.name),
    ['w.0'],
  );
  assert.deepEqual(
    specOf(build({ 'procs.yaml': yaml }, { formation: { w: 2 } })).units.map((u) => u.name),
    ['w.0', 'w.1'],
  );
  const all = specOf(build({ 'procs.yaml': yaml }, { formation: { all: 2, v: 1 } }));
  assert.deepEqual(
    all.pools.map((p) => [p.name, p.replicas]),
    [
      ['w', 2],
      ['v', 1],
    ],
  );
});

test('x- keys hold anchors and merge keys work', () => {
  const r = build({
    'procs.yaml': `
x-defaults: &defaults
  restart: never
  env: { SHARED: "1" }
processes:
  a: { <<: *defaults, command: x }
  b:
    <<: *defaults
    command: y
    restart: always
`,
  });
  const spec = specOf(r);
  assert.equal(proc(spec, 'a').restart.policy, 'never');
  assert.equal(proc(spec, 'b').restart.policy, 'always');
  assert.equal(proc(spec, 'b').env.SHARED, '1');
});

test('a spec with nothing to run is refused: `up` would wait for ever', () => {
  const nothing = 'procs.yaml:1:1  nothing to run: no processes, pools or pipelines are defined (nor a watch rule with `run` or `sync`)';
  for (const text of ['version: 1\n', '', '# only a comment\n', 'version: 1\nprocesses: {}\n', 'version: 1\nwatch:\n  w: { paths: [src] }\n']) {
    const r = build({ 'procs.yaml': text });
    assert.equal(r.spec, undefined, JSON.stringify(text));
    assert.equal(lines(r), nothing, JSON.stringify(text));
  }
  // A watch rule that runs a build step on change is work of its own; a pool scaled to 0 is still a pool.
  assert.ok(build({ 'procs.yaml': 'version: 1\nwatch:\n  build: { paths: [src], run: tsc }\n' }).spec);
  assert.ok(build({ 'procs.yaml': 'version: 1\nwatch:\n  copy: { paths: [src], sync: out }\n' }).spec);
  assert.equal(specOf(build({ 'procs.yaml': 'version: 1\npools:\n  w: { command: x, replicas: 0 }\n' })).units.length, 0);
});

describe('notify readiness and watchdog', () => {
  it('reads readiness.notify and watchdog, and shows them in procs config', () => {
    const spec = specOf(
      build({ 'procs.yaml': 'version: 1\nprocesses:\n  api:\n    command: app\n    health:\n      readiness: { notify: true }\n    watchdog: 10s\n' }),
    );
    const api = proc(spec, 'api');
    assert.deepEqual(api.health.readiness?.check, { kind: 'notify', display: 'notify' });
    assert.equal(api.watchdogMs, 10_000);
    const plain = toPlainSpec(spec, { inherited: ENV, showValues: true }) as { processes: Record<string, Record<string, unknown>> };
    assert.equal(plain.processes.api?.watchdog, '10s');
    assert.deepEqual((plain.processes.api?.health as { readiness: Record<string, unknown> }).readiness.notify, true);
  });

  it('refuses a notify liveness probe, notify beside another check, notify: false, and a zero or bad watchdog, by file, line and key', () => {
    const r = build({
      'procs.yaml':
        'version: 1\nprocesses:\n  a:\n    command: app\n    health:\n      liveness: { notify: true }\n  b:\n    command: app\n    health:\n      readiness: { notify: true, http: "http://x/" }\n  c:\n    command: app\n    health:\n      readiness: { notify: false }\n  d:\n    command: app\n    watchdog: 0s\n  e:\n    command: app\n    watchdog: soon\n',
    });
    const text = lines(r);
    assert.match(text, /procs\.yaml:6:\d+ .*unknown key `notify` in processes\.a\.health\.liveness/);
    assert.match(text, /procs\.yaml:10:\d+ .*processes\.b\.health\.readiness/);
    assert.match(text, /procs\.yaml:14:\d+ .*processes\.c\.health\.readiness\.notify must be true, got true or false/);
    assert.match(text, /procs\.yaml:17:\d+ .*processes\.d\.watchdog must be longer than 0/);
    assert.match(text, /procs\.yaml:20:\d+ .*processes\.e\.watchdog/);
  });
});
