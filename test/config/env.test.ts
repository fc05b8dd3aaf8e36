// The environment a unit sees: layer precedence, inherit_env, env files and interpolation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build, lines, proc, specOf, unit } from './helpers.js';

const layered = {
  'procs.yaml': `
env_file: [global.env]
env: { WHO: global-env, G_ENV: "1" }
processes:
  api:
    command: node server.js
    env_file: unit.env
    env: { WHO: unit-env, PROCS_UNIT: mine }
`,
  'global.env': 'WHO=global-file\nG_FILE=1\n',
  'unit.env': 'WHO=unit-file\nU_FILE=1\n',
};

test('precedence: inherited < global env_file < global env < unit env_file < unit env < procs', () => {
  const env = (over: Record<string, string>) => proc(specOf(build(over)), 'api').env;
  const base = { ...layered, 'procs.yaml': layered['procs.yaml'].replace(/WHO: unit-env, /, '') };
  assert.equal(env(layered).WHO, 'unit-env');
  assert.equal(env(base).WHO, 'unit-file');
  assert.equal(env({ ...base, 'unit.env': 'U_FILE=1\n' }).WHO, 'global-env');
  const all = env(layered);
  assert.equal(all.PROCS_UNIT, 'api', 'procs sets PROCS_UNIT last');
  assert.equal(all.PROCS_PROJECT, 'project');
  assert.equal(all.HOME, '/home/dev', 'inherited');
  assert.deepEqual([all.G_ENV, all.G_FILE, all.U_FILE], ['1', '1', '1']);
});

test('the global env_file loses to the global env, and the inherited env to both', () => {
  const r = build({ 'procs.yaml': 'env_file: g.env\nenv: { A: from-env }\nprocesses: { p: { command: x } }\n', 'g.env': 'A=from-file\nHOME=/from/file\n' });
  const env = proc(specOf(r), 'p').env;
  assert.equal(env.A, 'from-env');
  assert.equal(env.HOME, '/from/file');
});

test('inherit_env: false passes nothing through; a list passes only those names', () => {
  const off = proc(specOf(build({ 'procs.yaml': 'inherit_env: false\nenv: { A: "1" }\nprocesses: { p: { command: x } }\n' })), 'p').env;
  assert.deepEqual(Object.keys(off).sort(), ['A', 'PROCS_PROJECT', 'PROCS_UNIT']);
  const some = proc(specOf(build({ 'procs.yaml': 'inherit_env: [PATH, NOT_SET]\nprocesses: { p: { command: x } }\n' })), 'p').env;
  assert.deepEqual(Object.keys(some).sort(), ['PATH', 'PROCS_PROJECT', 'PROCS_UNIT']);
});

test('.env beside the spec is loaded by default, and not when env_file names other files', () => {
  const withDefault = specOf(build({ 'procs.yaml': 'processes: { p: { command: x } }\n', '.env': 'FROM_DOTENV=yes\n' }));
  assert.equal(proc(withDefault, 'p').env.FROM_DOTENV, 'yes');
  const named = specOf(
    build({ 'procs.yaml': 'env_file: other.env\nprocesses: { p: { command: x } }\n', '.env': 'FROM_DOTENV=yes\n', 'other.env': 'OTHER=1\n' }),
  );
  assert.equal(proc(named, 'p').env.FROM_DOTENV, undefined);
  assert.equal(proc(named, 'p').env.OTHER, '1');
});

test('env file values are taken as written (dotenv syntax, no interpolation)', () => {
  const r = build({ 'procs.yaml': 'processes: { p: { command: x } }\n', '.env': 'export A="quoted # not a comment"\nB=${HOME}\nC=plain # comment\n' });
  const env = proc(specOf(r), 'p').env;
  assert.deepEqual([env.A, env.B, env.C], ['quoted # not a comment', '${HOME}', 'plain']);
});

test('a variable that refers to itself resolves against the layers below it', () => {
  const yaml = 'processes:\n  a: { command: "serve ${PORT}", env: { PORT: "${PORT:-3000}" } }\n';
  assert.equal(proc(specOf(build({ 'procs.yaml': yaml })), 'a').env.PORT, '3000');
  assert.equal(proc(specOf(build({ 'procs.yaml': yaml }, { env: { PORT: '8080' } })), 'a').env.PORT, '8080');
  const stacked = 'env: { PATH: "/opt/bin:${PATH}" }\nprocesses:\n  a: { command: x, env: { PATH: "/unit/bin:${PATH}" } }\n';
  assert.equal(proc(specOf(build({ 'procs.yaml': stacked })), 'a').env.PATH, '/unit/bin:/opt/bin:/usr/bin:/bin');
});

test("env values and commands interpolate against the unit's own final environment", () => {
  const r = build({
    'procs.yaml': `
env: { URL: "http://localhost:\${PORT}/" }
pools:
  w:
    command: serve --port \${PORT} --id \${WORKER_ID}
    replicas: 2
    port: 7000
`,
  });
  const spec = specOf(r);
  assert.deepEqual(proc(spec, 'w.1').command, {
    kind: 'shell',
    shell: '/bin/sh',
    script: 'serve --port 7001 --id 1',
    written: 'serve --port ${PORT} --id ${WORKER_ID}',
  });
  assert.equal(proc(spec, 'w.0').env.URL, 'http://localhost:7000/');
  assert.equal(proc(spec, 'w.1').env.URL, 'http://localhost:7001/');
});

test('interpolation reaches array commands, cwd, pipeline steps, probes and watch run', () => {
  const r = build({
    'procs.yaml': `
env: { DIR: services, P: "6390" }
processes:
  a:
    command: ["node", "\${DIR}/a.js", "$$HOME"]
    cwd: \${DIR}/a
    health:
      readiness: { tcp: "127.0.0.1:\${P}" }
      liveness: { exec: "check \${P}" }
pipelines:
  logs: { steps: ["tail \${DIR}/log", ["grep", "\${P}"]] }
watch:
  build: { paths: ["src/**"], run: "make \${DIR}", restart: [a] }
`,
  });
  const spec = specOf(r);
  const a = proc(spec, 'a');
  assert.deepEqual(a.command, { kind: 'exec', file: 'node', args: ['services/a.js', '$HOME'], written: ['node', '${DIR}/a.js', '$$HOME'] });
  assert.equal(a.cwd, '/project/services/a');
  assert.deepEqual(a.health.readiness?.check, { kind: 'tcp', host: '127.0.0.1', port: 6390, display: '127.0.0.1:***', written: '127.0.0.1:${P}' });
  assert.deepEqual(a.health.liveness?.check, {
    kind: 'exec',
    command: { kind: 'shell', shell: '/bin/sh', script: 'check 6390', written: 'check ${P}' },
    display: 'check ***',
  });
  const logs = unit(spec, 'logs');
  assert.ok(logs.kind === 'pipeline');
  assert.deepEqual(logs.steps, [
    { kind: 'shell', shell: '/bin/sh', script: 'tail services/log', written: 'tail ${DIR}/log' },
    { kind: 'exec', file: 'grep', args: ['6390'], written: ['grep', '${P}'] },
  ]);
  assert.deepEqual(spec.watch[0]?.run, { kind: 'shell', shell: '/bin/sh', script: 'make services', written: 'make ${DIR}' });
});

test('an undefined ${VAR} interpolates to empty but warns, at the variable', () => {
  const r = build({ 'procs.yaml': 'processes:\n  a:\n    command: "serve --token ${API_TOKEN}"\n' });
  assert.deepEqual(proc(specOf(r), 'a').command, { kind: 'shell', shell: '/bin/sh', script: 'serve --token ' });
  assert.equal(lines(r), 'procs.yaml:3:29  warning: processes.a.command: `${API_TOKEN}` is not set; using an empty string');
});

test('env values never appear in diagnostics', () => {
  const secret = 'hunter2-SECRET';
  const r = build(
    {
      'procs.yaml': `
env: { TOKEN: "${secret}", A: "\${B}", B: "\${A}", BAD: [1] }
processes:
  a:
    command: "x \${TOKEN} \${NOPE} \${TOKEN:?gone}"
    env: { X: "\${TOKEN}\${UNSET}" }
    health: { readiness: { http: "\${TOKEN}" }, liveness: { tcp: "\${TOKEN}" } }
  b: { command: x, health: { readiness: { log: "(\${TOKEN}" } } }
`,
      '.env': `FILE_SECRET=${secret}\n`,
    },
    { env: { HOST_SECRET: secret } },
  );
  assert.ok(r.diagnostics.length >= 5, lines(r));
  for (const d of r.diagnostics) assert.ok(!d.message.includes(secret), d.message);
});
