// `port:` on a process and `${ports.NAME}`: another unit's port in commands, env values and
// probes; an unknown name or a missing dependency is a spec error at its file, line and key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toPlainSpec } from '../../src/config/to-plain-spec.js';
import { build, ENV, lines, proc, specOf, unit } from './helpers.js';

const project = `
processes:
  api:
    command: node api.js
    port: 4100
  db:
    command: postgres
    env: { PORT: "5433" }
  web:
    command: node web.js --api \${ports.api}
    depends_on: { api: healthy, db: started, workers: started }
    env: { API_URL: "http://localhost:\${ports.api}", DB_PORT: "\${ports.db}", W1: "\${ports.workers.1}" }
    health:
      readiness: { http: "http://127.0.0.1:\${ports.api}/health" }
pools:
  workers:
    command: node worker.js
    replicas: 2
    port: 7000
`;

test('port: sets PORT; ${ports.NAME} reaches commands, env and probes of the units that depend on it', () => {
  const spec = specOf(build({ 'procs.yaml': project }));
  assert.equal(proc(spec, 'api').env.PORT, '4100');
  const web = proc(spec, 'web');
  assert.equal(web.env.API_URL, 'http://localhost:4100');
  assert.equal(web.env.DB_PORT, '5433');
  assert.equal(web.env.W1, '7001', 'a pool instance, POOL.I');
  assert.equal(web.command.kind === 'shell' ? web.command.script : '', 'node web.js --api 4100');
  const check = unit(spec, 'web').health.readiness?.check;
  assert.deepEqual(check?.kind === 'http' ? check.url : undefined, 'http://127.0.0.1:4100/health');
  assert.equal(web.env['ports.api'], undefined, 'no variable named after a port');
});

test('an unknown ${ports.NAME} is an error at its key, with a suggestion', () => {
  const r = build({ 'procs.yaml': project.replace('DB_PORT: "${ports.db}"', 'DB_PORT: "${ports.dbb}"') });
  assert.equal(r.spec, undefined);
  assert.match(lines(r), /procs\.yaml:\d+:\d+ +processes\.web\.env\.DB_PORT: `\$\{ports\.dbb\}` names no unit with a port; did you mean `\$\{ports\.db\}`\?/);
  const pool = build({ 'procs.yaml': project.replace('${ports.workers.1}', '${ports.workers}') });
  assert.match(lines(pool), /`\$\{ports\.workers\}` names no unit with a port; .*`\$\{ports\.workers\.0\}`/);
});

test('naming the port of a unit one does not depend on is an error saying what to add', () => {
  const r = build({ 'procs.yaml': project.replace('api: healthy, ', '') });
  assert.equal(r.spec, undefined);
  assert.match(lines(r), /procs\.yaml:\d+:\d+ +processes\.web: `\$\{ports\.api\}` names api, which web does not depend on: add `depends_on: \[api\]`/);
  // A unit's own port needs no dependency.
  const own = build({ 'procs.yaml': 'processes:\n  api:\n    command: node api.js --port ${ports.api}\n    port: 4100\n' });
  assert.equal(
    proc(specOf(own), 'api').command.kind === 'shell' ? (proc(specOf(own), 'api').command as { script: string }).script : '',
    'node api.js --port 4100',
  );
});

test('procs config shows port: as written, auto included, and ${ports.NAME} as written', () => {
  const auto = project.replace('port: 4100', 'port: auto');
  const spec = specOf(build({ 'procs.yaml': auto }));
  const port = Number(proc(spec, 'api').env.PORT);
  assert.ok(port >= 20000 && port <= 32767, `an auto port below the ephemeral range: ${port}`);
  assert.equal(proc(spec, 'web').env.API_URL, `http://localhost:${port}`);
  const plain = toPlainSpec(spec, { showValues: false, inherited: ENV }) as { processes: Record<string, Record<string, unknown>> };
  assert.equal(plain.processes.api?.port, 'auto');
  assert.equal((plain.processes.api?.env as Record<string, string> | undefined)?.PORT, undefined, 'PORT shown once, as port:');
  assert.equal(plain.processes.web?.command, 'node web.js --api ${ports.api}');
  // The same spec loaded again gets the same port (the number comes from the folder and the name).
  assert.equal(proc(specOf(build({ 'procs.yaml': auto })), 'api').env.PORT, String(port));
});
