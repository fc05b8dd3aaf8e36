// `procs why` on scripted failures with real processes: a dependency that never becomes ready
// (an http probe on a closed port), a crash loop, a skipped chain after procs has exited, a
// restart by a watch rule, a stop on request; text and JSON.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { psJson, tempProject, waitUntil, type Ev, type Proj, type PsUnit } from '../control/helpers.js';
import { BIN, freePort } from '../helpers/cli.js';

const NODE = JSON.stringify(process.execPath);
const bin = (name: string): string => JSON.stringify(join(BIN, name));

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

interface WhyJson {
  readonly unit: string;
  readonly state: string;
  readonly summary: string;
  readonly label?: string;
  readonly details?: string[];
  readonly lines?: string[];
  readonly exit?: { code: number | null; signal: string | null; text: string };
  readonly probes?: { probe: string; check: string; target: string; ok: boolean; detail: string; count: number }[];
  readonly waiting_for?: { unit: string; condition: string };
  readonly backoff?: { until: string; attempt: number; max_restarts: number | null };
  readonly restarted?: { by: string; rule?: string; paths?: string[] };
  readonly stopped?: { by: string; reason: string };
  readonly cause?: WhyJson;
}

async function whyJson(p: Proj, unit: string): Promise<{ live: boolean; units: WhyJson[] }> {
  const r = await p.run(['why', unit, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { live: boolean; units: WhyJson[] };
}

async function whyText(p: Proj, ...units: string[]): Promise<string> {
  const r = await p.run(['why', ...units]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

const has = (p: Proj, match: (e: Ev & Record<string, unknown>) => boolean): boolean => p.events().some((e) => match(e as Ev & Record<string, unknown>));

describe('procs why', () => {
  it('a project that never ran: says no run is recorded, instead of inventing states', async () => {
    const p = tempProject({ 'procs.yaml': `version: 1\nprocesses:\n  api:\n    command: [${NODE}, ${bin('hang.js')}]\n` });
    projects.push(p);
    for (const args of [['why', 'api'], ['why']]) {
      const r = await p.run(args);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /no run of it is recorded/);
      assert.doesNotMatch(r.stdout, /every unit is up|inactive/);
    }
  });

  it('a dependency that never becomes ready: its dependent names it and its probe', async () => {
    const port = await freePort();
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  db:
    command: [${NODE}, ${bin('hang.js')}]
    health:
      readiness: { http: "http://127.0.0.1:${port}/health", interval: 100ms }
  api:
    command: [${NODE}, ${bin('hang.js')}]
    depends_on: { db: healthy }
  web:
    command: [${NODE}, ${bin('hang.js')}]
    depends_on: [api]
`,
    });
    projects.push(p);
    const up = await p.run(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    await waitUntil(() => has(p, (e) => e.type === 'spawn' && e.unit === 'db'), 20_000, 'db to spawn');
    const text = await whyText(p, 'web');
    const lines = text.split('\n');
    assert.equal(lines[0], 'web is pending: waiting for api (started)');
    assert.equal(lines[1], '  api is pending: waiting for db (healthy)');
    assert.match(lines[2] ?? '', new RegExp(`^    db is running but not ready: readiness probe http .*127\\.0\\.0\\.1:${port}/health`));
    const { live, units } = await whyJson(p, 'api');
    assert.equal(live, true);
    const api = units[0];
    assert.deepEqual(api?.waiting_for, { unit: 'db', condition: 'healthy' });
    assert.equal(api?.cause?.unit, 'db');
    assert.equal(api?.cause?.label, 'running but not ready');
    // PROBE DETAIL: once procs keeps probe answers (`probes` on the ps rows, `probe` events), the
    // dependency's error is named. Asserted only when the rows have `probes`.
    const rows: readonly (PsUnit & { probes?: unknown })[] = (await psJson(p)).units;
    const db = rows.find((u) => u.name === 'db');
    if (db?.probes !== undefined) {
      await waitUntil(() => has(p, (e) => e.type === 'probe' && e.unit === 'db'), 20_000, 'a probe answer of db');
      const { units: again } = await whyJson(p, 'api');
      assert.match(
        again[0]?.cause?.summary ?? '',
        new RegExp(
          `^readiness probe http GET http://127\\.0\\.0\\.1:${port}/health failing since \\d\\d:\\d\\d:\\d\\d: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}( \\(\\d+ times\\))?$`,
        ),
      );
      assert.equal(again[0]?.cause?.probes?.at(-1)?.ok, false);
    }
  });

  it('a crash loop: backoff until when, attempt N of M; failed after N restarts with its last lines', async () => {
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  loop:
    command: [${NODE}, ${bin('crash.js')}, '3']
    restart: { policy: always, max_restarts: 2, backoff: { initial: 50ms } }
  slow:
    command: [${NODE}, ${bin('crash.js')}, '4']
    restart: { policy: always, max_restarts: 5, backoff: { initial: 1h, max: 1h } }
`,
    });
    projects.push(p);
    const up = await p.run(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    await waitUntil(() => has(p, (e) => e.type === 'failed' && e.unit === 'loop'), 20_000, 'loop to fail');
    await waitUntil(() => has(p, (e) => e.type === 'backoff' && e.unit === 'slow'), 20_000, 'slow to back off');
    const text = await whyText(p, 'loop', 'slow');
    const [loop, slow] = text.split('\n\n');
    assert.equal(
      loop,
      [
        'loop is failed: exited with code 3; gave up after 2 restarts',
        '  failed after 2 restarts',
        loop?.split('\n')[2] ?? '',
        '  last lines:',
        '    │ crashing with 3',
        '    │ crashing with 3',
        '    │ crashing with 3',
      ].join('\n'),
    );
    assert.match(loop?.split('\n')[2] ?? '', /^ {2}last exit: exited with code 3 at \d\d:\d\d:\d\d after \d+m?s$/);
    assert.match(
      slow ?? '',
      /^slow is backoff: restarting at \d\d:\d\d:\d\d \(in [\dhms ]+\), attempt 1 of 5, after it exited with code 4\n {2}1 exit in this run \(exited with code 4\): \d\d:\d\d:\d\d\n {2}last lines:\n {4}│ crashing with 4$/,
    );
    const { units } = await whyJson(p, 'slow');
    assert.equal(units[0]?.backoff?.attempt, 1);
    assert.equal(units[0]?.backoff?.max_restarts, 5);
    assert.ok(Date.parse(units[0]?.backoff?.until ?? '') > Date.now() + 3_000_000);
    const failed = (await whyJson(p, 'loop')).units[0];
    assert.equal(failed?.exit?.code, 3);
    assert.deepEqual(failed?.lines, ['crashing with 3', 'crashing with 3', 'crashing with 3']);
  });

  it('a skipped chain, after the fact: down to the failed unit, its exit and its last lines', async () => {
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  migrate:
    command: [${NODE}, ${bin('crash.js')}, '2']
    restart: { policy: never }
  api:
    command: [${NODE}, ${bin('hang.js')}]
    depends_on: { migrate: completed }
  web:
    command: [${NODE}, ${bin('hang.js')}]
    depends_on: [api]
`,
    });
    projects.push(p);
    const up = await p.run(['up']);
    assert.equal(up.code, 1, up.stderr);
    const text = await whyText(p, 'web');
    const lines = text.split('\n');
    assert.match(lines[0] ?? '', /^procs is not running: from its last run \(started at \d\d:\d\d:\d\d\)$/);
    assert.deepEqual(lines.slice(1, 4), [
      'web is skipped: dependency api was skipped',
      '  api is skipped: dependency migrate failed',
      '    migrate is failed: exited with code 2',
    ]);
    assert.match(lines[4] ?? '', /^ {6}last exit: exited with code 2 at \d\d:\d\d:\d\d after \d+m?s$/);
    assert.deepEqual(lines.slice(5), ['      last lines:', '        │ crashing with 2']);
    const json = await whyJson(p, 'web');
    assert.equal(json.live, false);
    assert.equal(json.units[0]?.cause?.cause?.unit, 'migrate');
    assert.equal(json.units[0]?.cause?.cause?.exit?.code, 2);
    assert.deepEqual(json.units[0]?.cause?.cause?.lines, ['crashing with 2']);
  });

  it('a restart by a watch rule names the rule and the file; a stop on request says procs stop; an unknown unit exits 2', async () => {
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  web:
    command: [${NODE}, ${bin('hang.js')}]
watch:
  code:
    paths: [trigger.txt]
    restart: [web]
`,
      'trigger.txt': 'one\n',
    });
    projects.push(p);
    const up = await p.run(['up', '-d', '--wait']);
    assert.equal(up.code, 0, up.stderr);
    const spawns = (): number => p.events().filter((e) => e.type === 'spawn' && e.unit === 'web').length;
    writeFileSync(join(p.dir, 'trigger.txt'), 'two\n');
    await waitUntil(() => spawns() === 2, 20_000, 'web to start again');
    const text = await whyText(p, 'web');
    assert.match(text, /^web is running: running since \d\d:\d\d:\d\d \(pid \d+\)\n {2}restarted at \d\d:\d\d:\d\d by watch rule code: trigger\.txt changed$/);
    const json = await whyJson(p, 'web');
    assert.equal(json.units[0]?.restarted?.rule, 'code');
    assert.deepEqual(json.units[0]?.restarted?.paths, ['trigger.txt']);
    const stop = await p.run(['stop', 'web']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(await whyText(p, 'web'), /^web is stopped: stopped at \d\d:\d\d:\d\d by procs stop$/);
    const unknown = await p.run(['why', 'wbe']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no unit named 'wbe'; did you mean 'web'\?/);
  });
});
