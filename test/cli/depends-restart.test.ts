// `depends_on: { db: { condition: healthy, restart: true } }` with real processes: `procs restart
// db` and a crash of db restart api (a new pid), the events say why; a dependent without
// `restart: true` keeps its process.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { NODE, psJson, tempProject, waitUntil, type Ev, type Proj } from '../control/helpers.js';

const TICKER = "let i = 0; setInterval(() => console.log('tick ' + ++i), 50);\n";
const HANG = "console.log('up'); setInterval(() => {}, 1 << 30);\n";
const SPEC = `version: 1
processes:
  db:
    command: [${NODE}, ticker.js]
    restart: { policy: always, backoff: { initial: 100ms } }
    health:
      readiness: { log: "tick 3" }
  api:
    command: [${NODE}, hang.js]
    depends_on: { db: { condition: healthy, restart: true } }
  cache:
    command: [${NODE}, hang.js]
    depends_on: { db: healthy }
`;
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

async function pids(p: Proj): Promise<Record<string, number | null>> {
  return Object.fromEntries((await psJson(p)).units.map((u) => [u.name, u.state === 'ready' || u.state === 'running' ? u.pid : null]));
}

/** The index of the first event matching, -1 when none. */
function indexOf(events: readonly Ev[], match: (e: Ev & { reason?: string }) => boolean): number {
  return events.findIndex((e) => match(e));
}

describe('restarts that follow dependencies', () => {
  it('procs restart db stops api first and starts it again once db is ready; cache keeps running', async () => {
    const p = tempProject({ 'procs.yaml': SPEC, 'ticker.js': TICKER, 'hang.js': HANG });
    projects.push(p);
    const up = await p.run(['up', '-d', '--wait']);
    assert.equal(up.code, 0, up.stderr);
    const before = await pids(p);
    assert.ok(before.api && before.cache && before.db, JSON.stringify(before));
    const restart = await p.run(['restart', 'db']);
    assert.equal(restart.code, 0, restart.stderr);
    await waitUntil(() => p.events().some((e) => e.type === 'spawn' && e.unit === 'api' && e.pid !== before.api), 20_000, 'api to spawn again');
    const now = await pids(p);
    assert.notEqual(now.db, before.db);
    assert.notEqual(now.api, before.api);
    assert.equal(now.cache, before.cache, 'cache has no restart: true');
    const events = p.events() as (Ev & { reason?: string })[];
    const apiStop = indexOf(events, (e) => e.type === 'stop' && e.unit === 'api' && e.state === 'stopping' && e.reason === 'db restarted');
    const dbStop = indexOf(events, (e) => e.type === 'stop' && e.unit === 'db' && e.state === 'stopping');
    const dbReady = events.findLastIndex((e) => e.type === 'ready' && e.unit === 'db');
    const apiSpawn = events.findLastIndex((e) => e.type === 'spawn' && e.unit === 'api');
    assert.ok(apiStop >= 0 && apiStop < dbStop, 'api is stopped before db');
    assert.ok(indexOf(events, (e) => e.type === 'restart' && e.unit === 'api' && e.reason === 'db restarted') >= 0);
    assert.ok(dbReady < apiSpawn, 'api starts once db is ready again');
    assert.equal((await psJson(p)).units.find((u) => u.name === 'api')?.restarts, 0);
  });

  it('a crash of db restarts api once db is ready again', async () => {
    const p = tempProject({ 'procs.yaml': SPEC, 'ticker.js': TICKER, 'hang.js': HANG });
    projects.push(p);
    const up = await p.run(['up', '-d', '--wait']);
    assert.equal(up.code, 0, up.stderr);
    const before = await pids(p);
    process.kill(before.db ?? 0, 'SIGKILL');
    await waitUntil(() => p.events().some((e) => e.type === 'spawn' && e.unit === 'api' && e.pid !== before.api), 20_000, 'api to spawn again');
    const events = p.events() as (Ev & { reason?: string })[];
    assert.ok(indexOf(events, (e) => e.type === 'stop' && e.unit === 'api' && e.reason === 'db restarted') >= 0);
    assert.ok(events.findLastIndex((e) => e.type === 'ready' && e.unit === 'db') < events.findLastIndex((e) => e.type === 'spawn' && e.unit === 'api'));
    const now = await pids(p);
    assert.equal(now.cache, before.cache);
  });
});
