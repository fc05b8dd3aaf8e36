// Probe answers end to end: `ps --json` shows a unit's latest answers (a repeated failure folded
// into one entry with its count), and the event log holds one `probe` event for it, not one per
// check.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';
import { psJson, tempProject, type Proj } from '../control/helpers.js';
import { BIN, freePort } from '../helpers/cli.js';

const NODE = JSON.stringify(process.execPath);
const HANG = JSON.stringify(join(BIN, 'hang.js'));

interface ProbeRow {
  readonly probe: string;
  readonly check: string;
  readonly target: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly at: string;
  readonly count: number;
}

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

/** The `probes` of each unit in `ps --json` (absent ones as undefined). */
async function probesOf(p: Proj): Promise<Map<string, readonly ProbeRow[] | undefined>> {
  const units = (await psJson(p)).units as unknown as { name: string; probes?: ProbeRow[] }[];
  return new Map(units.map((u) => [u.name, u.probes]));
}

describe('probe answers', () => {
  it('shows a failing readiness probe’s answers in ps --json, and logs its repeated failure once', async () => {
    const port = await freePort(); // nothing listens there
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  api:
    command: [${NODE}, ${HANG}]
    health:
      readiness: { http: "http://127.0.0.1:${port}/health", interval: 100ms }
  plain:
    command: [${NODE}, ${HANG}]
`,
    });
    projects.push(p);
    assert.equal((await p.run(['up', '-d'])).code, 0);
    // Each `ps --json` takes a while: ask until the probe has failed five times in a row.
    const deadline = Date.now() + 20_000;
    let rows = await probesOf(p);
    while ((rows.get('api')?.[0]?.count ?? 0) < 5 && Date.now() < deadline) rows = await probesOf(p);
    const api = rows.get('api');
    assert.equal(api?.length, 1, JSON.stringify(api));
    const [answer] = api ?? [];
    assert.deepEqual(
      { ...answer, at: undefined, count: undefined },
      {
        probe: 'readiness',
        check: 'http',
        target: `GET http://127.0.0.1:${port}/health`,
        ok: false,
        detail: `connect ECONNREFUSED 127.0.0.1:${port}`,
        at: undefined,
        count: undefined,
      },
    );
    assert.ok((answer?.count ?? 0) >= 5);
    assert.ok(!rows.has('plain') || rows.get('plain') === undefined, 'a unit without probes has no `probes`');
    assert.equal((await p.run(['down'])).code, 0);
    const events = p.events().filter((e) => e.type === 'probe');
    assert.equal(events.length, 1, JSON.stringify(events));
    const [event] = events as unknown as { unit: string; result: ProbeRow }[];
    assert.equal(event?.unit, 'api');
    assert.deepEqual({ ...event?.result, at: undefined }, { ...answer, at: undefined, count: 1 });
  });
});
