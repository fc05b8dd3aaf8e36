// `procs export` as a user runs it: files written, notes on stderr, exit codes, no machine env.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAIN, project, removeProject } from '../helpers/cli.js';

const SPEC = `
inherit_env: true
env: { GREETING: "\${CANARY:-fallback}" }
processes:
  web: { command: "node web.js --name \${CANARY:-anon}", health: { readiness: { log: "up" } } }
`;

const dir = project({ 'procs.yaml': SPEC, 'bad/procs.yaml': 'processes:\n  web: { comand: x }\n' });
after(() => removeProject(dir));

/** Runs procs in the project folder, with a machine variable the export must never show. */
function procs(args: string[], cwd = dir): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CANARY: 'machine-secret-42', NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('procs export', () => {
  it('writes each target under -o DIR, lists the files, prints notes, exits 0, and shows no machine env value', () => {
    for (const [target, expected] of [
      ['kubernetes', ['kubernetes.yaml']],
      ['compose', ['compose.yaml']],
      ['systemd', ['-web.service', '.target']],
    ] as const) {
      const out = join(dir, 'out', target);
      const r = procs(['export', target, '-o', out]);
      assert.equal(r.status, 0, r.stderr);
      const files = readdirSync(out);
      for (const f of expected)
        assert.ok(
          files.some((x) => x.endsWith(f)),
          `${target}: ${files.join(', ')}`,
        );
      assert.equal(r.stdout.trim().split('\n').length, files.length);
      assert.match(r.stdout, /^wrote /);
      assert.match(r.stderr, /^procs export: note: /m);
      const text = files.map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
      assert.doesNotMatch(text + r.stderr, /machine-secret-42/);
      assert.match(text, /fallback/);
      assert.match(text, /--name anon/);
    }
  });

  it('takes --image for container targets', () => {
    const out = join(dir, 'out', 'img');
    assert.equal(procs(['export', 'compose', '-o', out, '--image', 'example/app:2']).status, 0);
    assert.match(readFileSync(join(out, 'compose.yaml'), 'utf8'), /image: example\/app:2/);
  });

  it('exits 2 for an unknown target, with a suggestion', () => {
    const r = procs(['export', 'kubernets', '-o', join(dir, 'x')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown target 'kubernets'; did you mean 'kubernetes'\?/);
  });

  it('exits 2 without a target or without -o', () => {
    assert.equal(procs(['export', '-o', join(dir, 'x')]).status, 2);
    const r = procs(['export', 'compose']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /-o DIR is required/);
  });

  it('exits 2 on a spec error and writes nothing', () => {
    const out = join(dir, 'out', 'bad');
    const r = procs(['export', 'compose', '-o', out], join(dir, 'bad'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /comand/);
    assert.throws(() => readdirSync(out));
  });
});
