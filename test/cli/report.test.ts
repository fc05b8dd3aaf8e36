// CI reports end to end: the Markdown section `procs run` and `up --wait` append to
// $GITHUB_STEP_SUMMARY, the `--report DIR` bundle, and GitLab's collapsible sections.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NODE, tempProject, type Proj } from '../control/helpers.js';
import { assertClean, procs, project, removeProject } from '../helpers/cli.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeProject));
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

const HANG = "console.log('up'); setInterval(() => {}, 1 << 30);\n";
// Not on GitHub Actions or GitLab unless a test says so (the suite itself may run on one).
const NO_CI = { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', GITLAB_CI: '' };

const UP = `version: 1
env: { SECRET_TOKEN: "hunter2-value" }
processes:
  db:
    command: "echo 'db | \`booting\`'; sleep 0.1; echo listening; exec sleep 1000"
    health: { readiness: { log: "listening" } }
`;

const FAILING = `version: 1
env: { SECRET_TOKEN: "hunter2-value" }
processes:
  db:
    command: "echo listening; exec sleep 1000"
    health: { readiness: { log: "listening" } }
  api:
    command: "echo 'api | booting'; echo '</details> \`\`\`'; echo 'cannot bind'; exit 3"
    depends_on: { db: healthy }
    restart: never
`;

describe('CI reports', () => {
  it('procs run appends a table to $GITHUB_STEP_SUMMARY, keeping what was there, and exits with the command status', async () => {
    const dir = project({ 'procs.yaml': UP });
    dirs.push(dir);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n\n');
    const run = procs(['run', '--', 'sh', '-c', 'exit 7'], { cwd: dir, env: { ...NO_CI, GITHUB_STEP_SUMMARY: summary } });
    assert.equal(await run.exited, 7, run.text());
    const md = readFileSync(summary, 'utf8');
    assert.ok(md.startsWith('# earlier step\n\n### procs run ('), md);
    assert.match(md, /^\| unit \| state \| time to ready \| restarts \| exit \|$/m);
    assert.match(md, /^\| db \| ready \| .+ \| 0 \| — \|$/m);
    assert.match(md, /^\| command: sh -c exit 7 \| exited \| — \| — \| status 7 \|$/m);
    assert.doesNotMatch(md, /<details>/, 'no block when every unit was up');
    assert.doesNotMatch(md, /hunter2/);
    await assertClean(run);
  });

  it('shows a failed unit and its last lines in a collapsed block; the exit code stays 1', async () => {
    const dir = project({ 'procs.yaml': FAILING });
    dirs.push(dir);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'before\n');
    const run = procs(['run', '--', 'true'], { cwd: dir, env: { ...NO_CI, GITHUB_STEP_SUMMARY: summary } });
    assert.equal(await run.exited, 1, run.text());
    const md = readFileSync(summary, 'utf8');
    assert.ok(md.startsWith('before\n'), md);
    assert.match(md, /: failed\n\napi failed: exited with code 3; the command did not run\n/);
    assert.match(md, /^\| api \| failed \| — \| 0 \| code 3 \|$/m);
    assert.match(md, /^\| command: true \| not run \| — \| — \| — \|$/m);
    assert.match(
      md,
      /<details><summary>api failed: exited with code 3 \(last 3 lines\)<\/summary>\n\n````text\napi \| booting\n<\/details> ```\ncannot bind\n````\n\n<\/details>/,
    );
    assert.equal((md.match(/<details>/g) ?? []).length, 1, 'db was up: no block');
    await assertClean(run);
  });

  it('procs run --report DIR writes report.md and the post-mortem bundle', async () => {
    const dir = project({ 'procs.yaml': FAILING });
    dirs.push(dir);
    const run = procs(['run', '--report', 'out/ci', '--', 'true'], { cwd: dir, env: NO_CI });
    assert.equal(await run.exited, 1, run.text());
    const out = join(dir, 'out/ci');
    assert.equal(statSync(out).mode & 0o777, 0o700);
    for (const f of ['report.md', 'events.ndjson', 'logs/db.log', 'logs/api.log', 'why/api.txt', 'spec.yaml']) {
      assert.ok(existsSync(join(out, f)), `${f} missing`);
      assert.equal(statSync(join(out, f)).mode & 0o777, 0o600, f);
    }
    assert.ok(!existsSync(join(out, 'why/db.txt')), 'db was up');
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /^### procs run \(.*\): failed$/m);
    const events = readFileSync(join(out, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; unit: string });
    assert.equal(events[0]?.type, 'start');
    assert.ok(events.some((e) => e.type === 'failed' && e.unit === 'api'));
    assert.ok(!events.some((e) => e.type === 'stop' && e.unit === 'procs'), 'written before teardown');
    assert.match(readFileSync(join(out, 'logs/api.log'), 'utf8'), /^\S+Z out cannot bind$/m);
    assert.match(readFileSync(join(out, 'why/api.txt'), 'utf8'), /^api /);
    const spec = readFileSync(join(out, 'spec.yaml'), 'utf8');
    assert.match(spec, /SECRET_TOKEN: <set>/);
    for (const f of ['report.md', 'events.ndjson', 'spec.yaml', 'why/api.txt']) assert.doesNotMatch(readFileSync(join(out, f), 'utf8'), /hunter2/, f);
    await assertClean(run);
  });

  it('says so on stderr when the report cannot be written, and keeps the exit code', async () => {
    const dir = project({ 'procs.yaml': UP, taken: 'a file, not a folder' });
    dirs.push(dir);
    const run = procs(['run', '--report', 'taken', '--', 'true'], { cwd: dir, env: NO_CI });
    assert.equal(await run.exited, 0, run.text());
    assert.match(run.stderr.join('\n'), /procs: cannot write the report in .*taken/);
    await assertClean(run);
  });

  it('up --wait --report DIR writes the report once the wait has its answer', async () => {
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  web: { command: [${NODE}, hang.js], health: { readiness: { log: "up" } } }
  migrate: { command: ["/bin/sh", "-c", "echo migrated"], restart: never }
`,
      'hang.js': HANG,
    });
    projects.push(p);
    const summary = join(p.dir, 'summary.md');
    writeFileSync(summary, '');
    const r = await p.run(['up', '--wait', '--report', 'report', '--wait-timeout', '60s'], { ...NO_CI, GITHUB_STEP_SUMMARY: summary });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const md = readFileSync(join(p.dir, 'report/report.md'), 'utf8');
    assert.equal(readFileSync(summary, 'utf8'), md);
    assert.match(md, /^### procs up --wait \(.*\): ok$/m);
    assert.match(md, /^\| web \| ready \| .+ \| 0 \| — \|$/m);
    assert.match(md, /^\| migrate \| completed \| .+ \| 0 \| code 0 \|$/m);
    for (const f of ['events.ndjson', 'logs/web.log', 'logs/migrate.log', 'spec.yaml']) assert.ok(existsSync(join(p.dir, 'report', f)), `${f} missing`);
    assert.match(readFileSync(join(p.dir, 'report/logs/migrate.log'), 'utf8'), /migrated/);
    assert.equal((await p.run(['down'])).code, 0);
  });

  it('up --report without --wait is refused', async () => {
    const dir = project({ 'procs.yaml': UP });
    dirs.push(dir);
    const run = procs(['up', '-d', '--report', 'out'], { cwd: dir, env: NO_CI });
    assert.equal(await run.exited, 2, run.text());
    assert.match(run.stderr.join('\n'), /--report needs --wait/);
    assert.ok(!existsSync(join(dir, '.procs/procs.pid')), 'nothing started');
  });

  it('folds each unit startup into a collapsed GitLab CI section', async () => {
    const dir = project({ 'procs.yaml': FAILING });
    dirs.push(dir);
    const run = procs(['run', '--', 'true'], { cwd: dir, env: { ...NO_CI, GITLAB_CI: 'true' } });
    assert.equal(await run.exited, 1, run.text());
    // ESC shown as `<ESC>`, so that the patterns need no control characters.
    const text = run.stdout.join('\n').replaceAll('\x1b', '<ESC>');
    assert.match(text, /<ESC>\[0Ksection_start:\d+:procs_0_db\[collapsed=true\]\r<ESC>\[0Kdb {2}ready in/);
    assert.match(text, /<ESC>\[0Ksection_end:\d+:procs_0_db\r<ESC>\[0K/);
    // A unit that failed gets a section left open.
    assert.match(text, /<ESC>\[0Ksection_start:\d+:procs_1_api\r<ESC>\[0Kapi/);
    assert.doesNotMatch(text, /::group::|::error/);
    const start = text.indexOf('section_start:');
    const end = text.indexOf('section_end:', start);
    assert.match(text.slice(start, end), /db\s+\| listening/);
    await assertClean(run);
  });
});
