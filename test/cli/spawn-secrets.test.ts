// A unit that cannot start is said why (`command not found: …`, a missing folder) without the env
// values interpolated into its command or folder: not in ps, events, why, nor the dashboard's state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempProject, waitUntil, type Proj } from '../control/helpers.js';

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

const SECRET = 'hunter2-tops3cret';
const SPEC = `version: 1
env:
  API_KEY: ${SECRET}
processes:
  api:
    command: ["/nonexistent/\${API_KEY}/run"]
    restart: never
  there:
    command: ["/bin/true"]
    cwd: "/nonexistent/\${API_KEY}"
    restart: never
pipelines:
  steps:
    steps: [["/nonexistent/\${API_KEY}/step"], ["cat"]]
    restart: never
`;

describe('a unit that cannot start', () => {
  it('is said why without its env values', async () => {
    const p = tempProject({ 'procs.yaml': SPEC });
    projects.push(p);
    const up = await p.run(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    const failed = (): boolean =>
      readFileSync(join(p.dir, '.procs/events.ndjson'), 'utf8')
        .split('\n')
        .filter((l) => /"type":"failed"/.test(l)).length >= 3;
    await waitUntil(failed, 20_000, 'three units failed');
    const ps = await p.run(['ps', '--json']);
    const why = await p.run(['why', 'api', 'steps', 'there']);
    const events = readFileSync(join(p.dir, '.procs/events.ndjson'), 'utf8');
    assert.match(ps.stdout, /command not found: \/nonexistent\/\*\*\*\/run/);
    assert.match(events, /working directory does not exist: \/nonexistent\/\*\*\*/);
    for (const [what, text] of [
      ['ps', ps.stdout],
      ['why', why.stdout],
      ['events', events],
    ] as const)
      assert.equal(text.includes(SECRET), false, `${what} shows the value: ${text}`);
  });
});
