// The startup of a run from synthetic events: each unit's spawn and up times, the time to all-up
// and the critical chain, as `procs why --startup` and the `up` summary line tell them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcsEvent } from '../../src/events/types.js';
import { analyzeStartup, summaryLine } from '../../src/output/critical-chain.js';
import { startupText } from '../../src/output/critical-chain-text.js';
import { build, specOf } from '../config/helpers.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();

const spec = specOf(
  build({
    'procs.yaml': `version: 1
processes:
  db:
    command: db
    health: { readiness: { tcp: "127.0.0.1:5432" } }
  setup:
    command: setup
    restart: never
  api:
    command: api
    depends_on: { db: healthy, setup: completed }
    health: { readiness: { http: "http://127.0.0.1:3000/" } }
  log:
    command: log
pools:
  worker:
    command: worker
    replicas: 2
    depends_on: { api: started }
`,
  }),
);

/** The events of a run: db ready at 400, setup done at 300, api restarted once and ready at 2000, workers running at once. */
function runEvents(): ProcsEvent[] {
  return [
    { ts: at(0), unit: 'procs', type: 'start', runner: 'up', pid: 1 },
    { ts: at(10), unit: 'db', type: 'spawn', pid: 2, attempt: 0, state: 'running' },
    { ts: at(10), unit: 'setup', type: 'spawn', pid: 3, attempt: 0, state: 'running' },
    { ts: at(12), unit: 'log', type: 'spawn', pid: 4, attempt: 0, state: 'running' },
    { ts: at(300), unit: 'setup', type: 'exit', exit: { code: 0, signal: null, status: 0, durationMs: 290 }, state: 'completed' },
    { ts: at(400), unit: 'db', type: 'ready', afterMs: 390, state: 'ready' },
    { ts: at(410), unit: 'api', type: 'spawn', pid: 5, attempt: 0, state: 'running' },
    { ts: at(420), unit: 'worker.0', type: 'spawn', pid: 6, attempt: 0, state: 'running' },
    { ts: at(425), unit: 'worker.1', type: 'spawn', pid: 7, attempt: 0, state: 'running' },
    { ts: at(900), unit: 'api', type: 'exit', exit: { code: 1, signal: null, status: 1, durationMs: 490 }, state: 'backoff' },
    { ts: at(1150), unit: 'api', type: 'spawn', pid: 8, attempt: 1, state: 'running' },
    { ts: at(2000), unit: 'api', type: 'ready', afterMs: 850, state: 'ready' },
  ];
}

describe('the critical chain', () => {
  it('times each unit from its first spawn to its first up, restarts included', () => {
    const a = analyzeStartup(runEvents(), spec.units);
    const api = a.units.find((u) => u.unit === 'api')!;
    assert.deepEqual(api, { unit: 'api', spawnedMs: 410, upMs: 2000, tookMs: 1590, how: 'ready' });
    assert.deepEqual(
      a.units.find((u) => u.unit === 'setup'),
      { unit: 'setup', spawnedMs: 10, upMs: 300, tookMs: 290, how: 'completed' },
    );
    assert.deepEqual(
      a.units.find((u) => u.unit === 'worker.1'),
      { unit: 'worker.1', spawnedMs: 425, upMs: 425, tookMs: 0, how: 'running' },
    );
    assert.equal(a.startedAt, at(0));
    assert.equal(a.allUpMs, 2000);
  });

  it('goes back from the unit up last through the dependency up last before it could start', () => {
    const a = analyzeStartup(runEvents(), spec.units);
    assert.deepEqual(
      a.chain.map((u) => u.unit),
      ['db', 'api'],
    );
  });

  it('follows a started dependency from its spawn', () => {
    const events = [...runEvents(), { ts: at(2500), unit: 'worker.1', type: 'spawn', pid: 9, attempt: 1, state: 'running' } as ProcsEvent];
    // Only the first spawn counts: worker.1 stays up at 425; make worker.0 the last one up instead.
    const late = events.map((e) => (e.unit === 'worker.0' && e.type === 'spawn' ? { ...e, ts: at(2600) } : e));
    const a = analyzeStartup(late, spec.units);
    assert.equal(a.allUpMs, 2600);
    assert.deepEqual(
      a.chain.map((u) => u.unit),
      ['db', 'api', 'worker.0'],
    );
  });

  it('reads only the last run, and has no total when a started unit never came up', () => {
    const earlier: ProcsEvent[] = [
      { ts: at(-5000), unit: 'procs', type: 'start', runner: 'run', pid: 1 },
      { ts: at(-4000), unit: 'db', type: 'ready', afterMs: 1, state: 'ready' },
    ];
    const events = [...earlier, ...runEvents().filter((e) => !(e.unit === 'api' && e.type === 'ready'))];
    const a = analyzeStartup(events, spec.units);
    assert.equal(a.allUpMs, null);
    assert.deepEqual(a.chain, []);
    assert.equal(summaryLine(a), undefined);
    assert.match(startupText(a, []), /did not finish: not up: api/);
  });

  it('says it in one summary line and systemd-style', () => {
    const a = analyzeStartup(runEvents(), spec.units);
    assert.equal(summaryLine(a), 'all 6 units up in 2s · critical chain: db 390ms → api 1.6s');
    assert.equal(
      startupText(a, []),
      [
        'The time a unit was spawned is after "@", the time it took to come up after "+".',
        '',
        'api @0.410s +1.6s',
        '└─db @0.010s +390ms',
        '',
        'all 6 units up in 2s',
        '',
      ].join('\n'),
    );
  });
});
