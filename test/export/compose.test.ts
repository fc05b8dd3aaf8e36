// compose mapping tables: depends_on conditions, healthchecks, restart, pools, `$` escaping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { exportCompose } from '../../src/export/compose.js';
import { composeSchemaErrors, fileText, load } from './helpers.js';

interface Svc {
  entrypoint: string[];
  environment: Record<string, string>;
  env_file?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval: string; timeout: string; retries: number; start_period?: string };
  restart: string;
  stop_signal: string;
  stop_grace_period: string;
  working_dir: string;
  deploy?: { replicas?: number; restart_policy?: { condition: string; max_attempts?: number; delay?: string; window?: string } };
  ports?: string[];
  expose?: string[];
  tty?: boolean;
  stdin_open?: boolean;
}

/** The services of a spec text's compose file, checked against the compose schema. */
function compose(texts: Record<string, string>): { services: Record<string, Svc>; notes: readonly string[]; text: string } {
  const loaded = load(texts);
  const r = exportCompose(loaded.spec, { envFiles: loaded.envFiles, outputDir: '/project/deploy' });
  const text = fileText(r.files, 'compose.yaml');
  assert.deepEqual(composeSchemaErrors(text), []);
  return { services: (parse(text, { version: '1.1' }) as { services: Record<string, Svc> }).services, notes: r.notes, text };
}

/** A service by name. */
function svc(services: Record<string, Svc>, name: string): Svc {
  const s = services[name];
  assert.ok(s, `no service ${name}`);
  return s;
}

describe('export compose', () => {
  it('maps tty and stdin to tty and stdin_open (a terminal takes input too)', () => {
    const { services } = compose({
      'procs.yaml': `
processes:
  repl: { command: node, tty: true }
  feed: { command: cat, stdin: true }
  plain: { command: "true" }
`,
    });
    const flags = (name: string) => [svc(services, name).tty, svc(services, name).stdin_open];
    assert.deepEqual(flags('repl'), [true, true]);
    assert.deepEqual(flags('feed'), [undefined, true]);
    assert.deepEqual(flags('plain'), [undefined, undefined]);
  });

  it('maps depends_on: started, healthy (service_started when the dependency has no healthcheck), completed', () => {
    const { services } = compose({
      'procs.yaml': `
processes:
  db: { command: db, health: { readiness: { tcp: "127.0.0.1:5432" } } }
  cache: { command: cache }
  seed: { command: seed, restart: never }
  api: { command: api, depends_on: { db: healthy, cache: healthy, seed: completed } }
  web: { command: web, depends_on: [api] }
`,
    });
    assert.deepEqual(svc(services, 'api').depends_on, {
      db: { condition: 'service_healthy' },
      cache: { condition: 'service_started' },
      seed: { condition: 'service_completed_successfully' },
    });
    assert.deepEqual(svc(services, 'web').depends_on, { api: { condition: 'service_started' } });
  });

  it('turns readiness probes into healthchecks run inside the container', () => {
    const { services, notes } = compose({
      'procs.yaml': `
processes:
  a: { command: a, health: { readiness: { exec: "pg_isready -q", interval: 250ms, initial_delay: 5s, failure_threshold: 10 } } }
  b: { command: b, health: { readiness: { exec: ["check", "--fast"] } } }
  c: { command: c, health: { readiness: { http: "http://127.0.0.1:3000/health" } } }
  d: { command: d, health: { readiness: { tcp: "127.0.0.1:6379" } } }
  e: { command: e, health: { readiness: { log: "ready" }, liveness: { tcp: "127.0.0.1:1" } } }
`,
    });
    assert.deepEqual(svc(services, 'a').healthcheck, {
      test: ['CMD-SHELL', 'pg_isready -q'],
      interval: '250ms',
      timeout: '1s',
      retries: 10,
      start_period: '5s',
    });
    assert.deepEqual(svc(services, 'b').healthcheck?.test, ['CMD', 'check', '--fast']);
    assert.deepEqual(svc(services, 'c').healthcheck?.test, [
      'CMD-SHELL',
      'wget -q -O /dev/null http://127.0.0.1:3000/health || curl -fsS -o /dev/null http://127.0.0.1:3000/health || exit 1',
    ]);
    assert.deepEqual(svc(services, 'd').healthcheck?.test, ['CMD-SHELL', 'nc -z 127.0.0.1 6379 || exit 1']);
    assert.equal(svc(services, 'e').healthcheck, undefined);
    assert.ok(notes.some((n) => n.startsWith('e: the readiness probe watches the output')));
    assert.ok(notes.some((n) => n.startsWith('e: compose has no liveness probe')));
  });

  it('maps restart: always, on-failure:N from max_restarts, never as "no"; stop signal and grace period', () => {
    const { services, text } = compose({
      'procs.yaml': `
processes:
  a: { command: a, restart: always }
  b: { command: b, restart: { policy: on-failure, max_restarts: 2, backoff: { initial: 2s }, reset_after: 5m }, stop: { signal: SIGINT, timeout: 1500ms } }
  c: { command: c, restart: never }
`,
    });
    assert.equal(svc(services, 'a').restart, 'always');
    assert.equal(svc(services, 'b').restart, 'on-failure:2');
    assert.equal(svc(services, 'c').restart, 'no');
    // Swarm reads only deploy.restart_policy: the same policy there.
    assert.deepEqual(svc(services, 'a').deploy?.restart_policy, { condition: 'any', max_attempts: 5, delay: '250ms', window: '30s' });
    assert.deepEqual(svc(services, 'b').deploy?.restart_policy, { condition: 'on-failure', max_attempts: 2, delay: '2s', window: '300s' });
    assert.deepEqual(svc(services, 'c').deploy?.restart_policy, { condition: 'none' });
    assert.match(text, /restart: 'no'/);
    assert.equal(svc(services, 'b').stop_signal, 'SIGINT');
    assert.equal(svc(services, 'b').stop_grace_period, '1500ms');
  });

  it('a pool of alike instances is one service with deploy.replicas; a pipeline one service through sh -c', () => {
    const { services, notes } = compose({
      'procs.yaml': `
pools:
  worker: { command: node w.js, replicas: 3 }
pipelines:
  p: { steps: [a, b] }
`,
    });
    assert.deepEqual(svc(services, 'worker').deploy?.replicas, 3);
    assert.equal(svc(services, 'worker').environment.WORKER_ID, undefined);
    assert.ok(notes.some((n) => n.startsWith('worker: compose replicas have no index')));
    assert.deepEqual(svc(services, 'p').entrypoint, ['/bin/sh', '-c', '(set -o pipefail) 2>/dev/null && set -o pipefail; a | b']);
  });

  it('listen: is PORT and its published ports, with a note that no socket is held and adopt: node is dropped', () => {
    const { services, notes, text } = compose({
      'procs.yaml': `
processes:
  api: { command: node api.js, listen: { address: [3000, "127.0.0.1:3001"], adopt: node } }
pools:
  web: { command: node w.js, replicas: 2, listen: 8080 }
`,
    });
    assert.equal(svc(services, 'api').environment.PORT, '3000');
    assert.equal(svc(services, 'web').environment.PORT, '8080');
    assert.deepEqual(svc(services, 'api').ports, ['3000:3000', '127.0.0.1:3001:3001']);
    // Replicas sharing one port cannot all publish it: the other services reach it.
    assert.deepEqual([svc(services, 'web').ports, svc(services, 'web').expose], [undefined, ['8080']]);
    assert.doesNotMatch(text, /NODE_OPTIONS|PROCS_LISTEN|LISTEN_FD/);
    assert.ok(
      notes.includes(
        'api: listen: is only PORT=3000 in compose: the process binds its ports itself and no socket is held across restarts; adopt: node is dropped',
      ),
      notes.join('\n'),
    );
    assert.ok(
      notes.includes('web: listen: is only PORT=8080 in compose: the process binds its ports itself and no socket is held across restarts'),
      notes.join('\n'),
    );
  });

  it('doubles every $ (compose would interpolate it), and references env files relative to the output folder', () => {
    const { services, text } = compose({
      'procs.yaml': `
env_file: secrets.env
processes:
  a: { command: 'echo "$$HOME" \${GREETING:-hi} $$(id -u)', env: { PRICE: "5$$", LEVEL: "\${LEVEL:-3}" }, cwd: app }
`,
      'secrets.env': 'TOKEN=s3cr3t\nLEVEL=9\n',
    });
    const a = svc(services, 'a');
    assert.deepEqual(a.entrypoint, ['/bin/sh', '-c', 'echo "$$HOME" hi $$(id -u)']);
    assert.deepEqual(a.environment, { PRICE: '5$$', LEVEL: '3', PROCS_UNIT: 'a', PROCS_PROJECT: 'project' });
    assert.deepEqual(a.env_file, ['../secrets.env']);
    assert.equal(a.working_dir, '/app/app');
    assert.doesNotMatch(text, /s3cr3t|LEVEL: "9"/);
  });
});
