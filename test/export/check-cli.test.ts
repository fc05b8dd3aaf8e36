// `procs export --check` as a user runs it: the table of what became of each key, the checks'
// lines, the exit codes (1 on a failed check, with --strict also on a dropped key), nothing
// written without -o, a folder per target with it, and the flags of one target refused for another.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAIN, project, removeProject } from '../helpers/cli.js';

const SPEC = `
env: { GREETING: "\${CANARY:-fallback}" }
processes:
  db:
    command: ["postgres"]
    port: 5432
    health: { readiness: { tcp: "127.0.0.1:5432" } }
  api:
    command: node api.js
    port: 3000
    depends_on: { db: healthy }
    health: { readiness: { http: "http://127.0.0.1:3000/health" } }
pools:
  worker: { command: "node worker.js --id \${WORKER_ID}", replicas: 2, port: 7000 }
`;
const WATCHED = `
processes:
  api: { command: node api.js, restart: always }
watch:
  code: { paths: ["src/**"], restart: [api] }
`;

const dir = project({ 'procs.yaml': SPEC, 'watched/procs.yaml': WATCHED });
after(() => removeProject(dir));

function procs(args: string[], cwd = dir): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CANARY: 'machine-secret-42', NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('procs export --check', () => {
  it('checks every target without writing: a fate column per target, a line per checked file, exit 0', () => {
    const r = procs(['export', '--check']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^UNIT +KEY +SYSTEMD +COMPOSE +KUBERNETES$/m);
    assert.match(r.stdout, /^api +depends_on\.db +\S+ +\S+ +\S+$/m);
    assert.match(r.stdout, /^worker +replicas /m);
    for (const target of ['systemd', 'compose', 'kubernetes']) {
      assert.match(r.stdout, new RegExp(`^${target}: \\d+ keys mapped, \\d+ approximated, \\d+ dropped$`, 'm'));
      assert.match(r.stdout, new RegExp(`^ok +${target} `, 'm'));
    }
    assert.doesNotMatch(r.stdout, /FAILED|not classified/);
    assert.doesNotMatch(r.stdout + r.stderr, /machine-secret-42/);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f !== 'watched'),
      ['procs.yaml'],
    );
  });

  it('one target: UNIT KEY TARGET HOW; with -o the files are written and then checked', () => {
    const out = join(dir, 'out-k8s');
    const r = procs(['export', 'kubernetes', '-o', out, '--check']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^wrote /m);
    assert.match(r.stdout, /^UNIT +KEY +KUBERNETES +HOW$/m);
    assert.match(r.stdout, /^ok +kubernetes +kubernetes\.yaml /m);
    assert.ok(existsSync(join(out, 'kubernetes.yaml')));
  });

  it('compose without --dockerfile or --mount says when the project has no Dockerfile to build from', () => {
    const r = procs(['export', 'compose', '--check']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^procs export: note: there is no Dockerfile in the project for build: to use: .*--dockerfile.*--mount$/m);
    assert.doesNotMatch(procs(['export', 'compose', '--check', '--mount']).stderr, /no Dockerfile/);
  });

  it('every target with -o: a folder each', () => {
    const out = join(dir, 'out-all');
    const r = procs(['export', '--check', '-o', out]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['compose', 'kubernetes', 'systemd']);
    assert.ok(readdirSync(join(out, 'systemd')).some((f) => f.endsWith('.target')));
  });

  it('--strict fails on a dropped key and says so; --check alone passes', () => {
    const cwd = join(dir, 'watched');
    const strict = procs(['export', 'kubernetes', '--strict'], cwd);
    assert.equal(strict.status, 1, strict.stdout + strict.stderr);
    assert.match(strict.stdout, /^watch\.code +watch +dropped /m);
    assert.match(strict.stderr, /--strict: keys are dropped/);
    assert.equal(procs(['export', 'kubernetes', '--check'], cwd).status, 0);
  });

  it('refuses a flag of another target, --dockerfile with --mount, and a namespace that is not a DNS label (exit 2)', () => {
    for (const [args, message] of [
      [['export', 'compose', '--check', '--namespace', 'prod'], /--namespace is for kubernetes exports/],
      [['export', 'kubernetes', '--check', '--user'], /--user is for systemd exports/],
      [['export', 'systemd', '--check', '--mount'], /--mount is for compose exports/],
      [['export', 'compose', '--check', '--dockerfile', '--mount'], /--dockerfile and --mount exclude each other/],
      [['export', 'kubernetes', '--check', '--namespace', 'Prod_1'], /--namespace expects a DNS-1123 label/],
      [['export', 'compose'], /-o DIR is required/],
    ] as const) {
      const r = procs([...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
