// `up -d --json` and `up -d --wait --json`: the project as one JSON line; with --wait, the events
// seen while waiting as NDJSON, then a verdict line (with the failed units' last lines).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { NODE, tempProject, type Proj } from '../control/helpers.js';

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

const lines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('detached up with --json', () => {
  it('prints the project, in the shape of ps --json, as one line', async () => {
    const p = tempProject({ 'procs.yaml': `version: 1\nprocesses:\n  a:\n    command: [${NODE}, -e, "setInterval(() => {}, 1 << 30)"]\n` });
    projects.push(p);
    const r = await p.run(['up', '-d', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [doc, ...rest] = lines(r.stdout);
    assert.equal(rest.length, 0);
    assert.equal(typeof doc?.pid, 'number');
    const units = doc?.units as { name: string; kind: string; state: string }[];
    assert.deepEqual(
      units.map((u) => [u.name, u.kind]),
      [['a', 'process']],
    );
    const again = await p.run(['up', '-d', '--json']);
    assert.deepEqual(lines(again.stdout)[0]?.reconciled, { actions: [], started: [] });
  });

  it('with --wait streams the events, then a verdict with the last lines of what failed', async () => {
    const fail = 'setTimeout(() => { console.error(\\"boom\\"); process.exit(3); }, 200)';
    const p = tempProject({
      'procs.yaml': `version: 1\nprocesses:\n  db:\n    command: [${NODE}, -e, "${fail}"]\n    restart: never\n    health:\n      readiness: { log: "never printed" }\n`,
    });
    projects.push(p);
    const r = await p.run(['up', '-d', '--wait', '--json']);
    assert.equal(r.code, 1);
    const all = lines(r.stdout);
    const verdict = all.at(-1);
    assert.equal(verdict?.ready, false);
    assert.match(String(verdict?.reason), /db failed/);
    assert.deepEqual(verdict?.lastLines, { db: ['boom'] });
    // What happened before the wait subscribed is not repeated: every line between is an event.
    for (const e of all.slice(1, -1)) assert.equal(typeof e.type, 'string', JSON.stringify(e));
  });
});
