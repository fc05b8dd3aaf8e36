// Output made for CI logs: plain lines with timestamps, and on GitHub Actions each unit's startup
// folded in a ::group:: with an ::error:: annotation for a unit that fails.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { assertClean, procs, project, removeProject } from '../helpers/cli.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeProject));

const SPEC = `version: 1
processes:
  db:
    command: "echo db booting; sleep 0.2; echo db listening; exec sleep 1000"
    health: { readiness: { log: "listening" } }
  broken:
    command: "echo oops; exit 3"
    restart: never
`;

describe('CI output', () => {
  it('folds each unit startup into a GitHub Actions group and annotates failures', async () => {
    const dir = project({ 'procs.yaml': SPEC });
    dirs.push(dir);
    const run = procs(['up'], { cwd: dir, env: { GITHUB_ACTIONS: 'true' } });
    await run.waitFor(/^::endgroup::$/);
    await run.waitFor(/^::group::db {2}ready in/);
    await run.waitFor(/^::error title=procs::broken failed: exited with code 3$/);
    run.child.kill('SIGINT');
    await run.exited;
    const out = run.stdout;
    const start = out.findIndex((l) => l.startsWith('::group::db'));
    const end = out.indexOf('::endgroup::', start);
    const group = out.slice(start, end).join('\n');
    assert.match(group, /db\s+\| db booting/);
    assert.match(group, /db\s+\| db listening/);
    const broken = out.findIndex((l) => l.startsWith('::group::broken'));
    assert.ok(broken >= 0 && out.slice(broken).some((l) => /broken\s+\| oops/.test(l)), out.join('\n'));
    await assertClean(run);
  });

  it('prints plain lines with a timestamp on every line and no colour without a terminal', async () => {
    const dir = project({ 'procs.yaml': SPEC });
    dirs.push(dir);
    const run = procs(['up'], { cwd: dir, env: { NO_COLOR: '' } });
    await run.waitFor(/db\s+\| db listening/);
    run.child.kill('SIGINT');
    await run.exited;
    for (const line of run.stdout.filter((l) => l !== '')) assert.match(line, /^\d\d:\d\d:\d\d \S/, `no timestamp: ${line}`);
    assert.ok(!run.stdout.some((l) => l.includes('\x1b[')), 'colour escape without a terminal');
    await assertClean(run);
  });
});
