// `procs why` reasoning from synthetic facts: each state's explanation, in text and as data.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeResult, ProcsEvent, UnitState } from '../../src/events/types.js';
import type { UnitRow } from '../../src/events/unit-row.js';
import { explain } from '../../src/output/why-explain.js';
import { foldRows, type WhyFacts, type WhySpecUnit } from '../../src/output/why-facts.js';
import { whyText } from '../../src/output/why.js';

const T0 = Date.parse('2026-12-02T18:50:00.000Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();

function row(name: string, state: UnitState, more: Partial<UnitRow> = {}): UnitRow {
  return {
    name,
    kind: 'process',
    pool: null,
    state,
    pid: null,
    restarts: 0,
    started_at: null,
    exit: { code: null, signal: null },
    health: { readiness: null, liveness: null },
    reason: null,
    ...more,
  };
}

function facts(
  units: UnitRow[],
  events: ProcsEvent[],
  o: { spec?: Record<string, WhySpecUnit>; lines?: Record<string, string[]>; live?: boolean; now?: number } = {},
): WhyFacts {
  return {
    units,
    spec: new Map(Object.entries(o.spec ?? {})),
    events,
    lines: new Map(Object.entries(o.lines ?? {})),
    now: o.now ?? T0 + 60_000,
    live: o.live ?? true,
  };
}

const EXIT1 = { code: 1, signal: null, status: 1, durationMs: 200 };
const REFUSED: ProbeResult = {
  probe: 'readiness',
  check: 'http',
  target: 'GET http://127.0.0.1:3000/health',
  ok: false,
  detail: 'connect ECONNREFUSED 127.0.0.1:3000',
  at: at(29),
  count: 12,
};

describe('procs why', () => {
  it('pending: the dependency it waits for, and that one not ready because of its probe, down the chain', () => {
    const f = facts(
      [row('web', 'pending'), row('api', 'pending'), row('db', 'running', { pid: 42, started_at: at(10), probes: [REFUSED] })],
      [
        { ts: at(10), type: 'spawn', unit: 'db', pid: 42, attempt: 0, state: 'running' },
        { ts: at(17), type: 'probe', unit: 'db', result: { ...REFUSED, at: at(17), count: 1 } },
      ],
      {
        spec: {
          web: { dependsOn: [{ name: 'api', condition: 'started' }] },
          api: { dependsOn: [{ name: 'db', condition: 'healthy' }] },
          db: { dependsOn: [], readiness: 'http http://127.0.0.1:3000/health' },
        },
      },
    );
    const why = explain(f, 'web');
    assert.deepEqual(why.waiting_for, { unit: 'api', condition: 'started' });
    assert.equal(why.cause?.cause?.unit, 'db');
    assert.equal(
      whyText(why),
      [
        'web is pending: waiting for api (started)',
        '  api is pending: waiting for db (healthy)',
        '    db is running but not ready: readiness probe http GET http://127.0.0.1:3000/health failing since 18:50:17: connect ECONNREFUSED 127.0.0.1:3000 (12 times)',
        '',
      ].join('\n'),
    );
  });

  it('pending on a dependency whose probe has not passed names the probe', () => {
    const f = facts(
      [row('api', 'pending'), row('db', 'running', { pid: 42 })],
      [{ ts: at(10), type: 'spawn', unit: 'db', pid: 42, attempt: 0, state: 'running' }],
      {
        spec: { api: { dependsOn: [{ name: 'db', condition: 'healthy' }] }, db: { dependsOn: [], readiness: 'tcp 127.0.0.1:5432' } },
      },
    );
    assert.equal(explain(f, 'api').cause?.summary, 'readiness probe tcp 127.0.0.1:5432 has not passed yet; running since 18:50:10 (pid 42)');
  });

  it('skipped: the failed dependency, its last exit and its last lines', () => {
    const events: ProcsEvent[] = [
      { ts: at(0), type: 'start', unit: 'procs', runner: 'up', pid: 1 },
      { ts: at(1), type: 'spawn', unit: 'migrate', pid: 7, attempt: 0, state: 'running' },
      { ts: at(2), type: 'exit', unit: 'migrate', exit: EXIT1, state: 'failed' },
      { ts: at(2), type: 'failed', unit: 'migrate', reason: 'exited with code 1', state: 'failed' },
      { ts: at(2), type: 'stop', unit: 'api', reason: 'dependency migrate failed', state: 'skipped' },
      { ts: at(2), type: 'stop', unit: 'web', reason: 'dependency api was skipped', state: 'skipped' },
    ];
    const f = facts(foldRows(events), events, { lines: { migrate: ['connecting', 'Error: no such table: users'] }, live: false });
    const why = explain(f, 'web');
    assert.equal(
      whyText(why),
      [
        'web is skipped: dependency api was skipped',
        '  api is skipped: dependency migrate failed',
        '    migrate is failed: exited with code 1',
        '      last exit: exited with code 1 at 18:50:02 after 200ms',
        '      last lines:',
        '        │ connecting',
        '        │ Error: no such table: users',
        '',
      ].join('\n'),
    );
    assert.equal(why.cause?.cause?.exit?.code, 1);
  });

  it('backoff: until when, attempt N of M, after which exits', () => {
    const events: ProcsEvent[] = [
      { ts: at(1), type: 'spawn', unit: 'w', pid: 7, attempt: 0, state: 'running' },
      { ts: at(2), type: 'exit', unit: 'w', exit: EXIT1, state: 'backoff' },
      { ts: at(2), type: 'backoff', unit: 'w', delayMs: 250, attempt: 1, maxRestarts: 5, state: 'backoff' },
      { ts: at(3), type: 'restart', unit: 'w', reason: 'exited with code 1', attempt: 1, state: 'starting' },
      { ts: at(3), type: 'spawn', unit: 'w', pid: 8, attempt: 1, state: 'running' },
      { ts: at(4), type: 'exit', unit: 'w', exit: EXIT1, state: 'backoff' },
      { ts: at(4), type: 'backoff', unit: 'w', delayMs: 2000, attempt: 2, maxRestarts: 5, state: 'backoff' },
    ];
    const why = explain(facts([row('w', 'backoff', { restarts: 2 })], events, { now: T0 + 5000, lines: { w: ['boom'] } }), 'w');
    assert.deepEqual(why.backoff, { until: at(6), attempt: 2, max_restarts: 5 });
    assert.equal(
      whyText(why),
      [
        'w is backoff: restarting at 18:50:06 (in 1s), attempt 2 of 5, after it exited with code 1',
        '  2 exits in this run (exited with code 1): 18:50:02, 18:50:04',
        '  last lines:',
        '    │ boom',
        '',
      ].join('\n'),
    );
  });

  it('failed after N restarts', () => {
    const events: ProcsEvent[] = [
      { ts: at(4), type: 'exit', unit: 'w', exit: EXIT1, state: 'failed' },
      { ts: at(4), type: 'failed', unit: 'w', reason: 'exited with code 1; gave up after 3 restarts', state: 'failed' },
    ];
    const why = explain(facts([row('w', 'failed', { restarts: 3, reason: 'exited with code 1; gave up after 3 restarts' })], events), 'w');
    assert.equal(why.summary, 'exited with code 1; gave up after 3 restarts');
    assert.deepEqual(why.details, ['failed after 3 restarts', 'last exit: exited with code 1 at 18:50:04 after 200ms']);
  });

  it('unhealthy: the liveness probe answers', () => {
    const bad: ProbeResult = {
      probe: 'liveness',
      check: 'http',
      target: 'GET http://127.0.0.1:3000/live',
      ok: false,
      detail: 'HTTP 503',
      at: at(30),
      count: 3,
    };
    const events: ProcsEvent[] = [
      { ts: at(20), type: 'probe', unit: 'api', result: { ...bad, at: at(20), count: 1 } },
      { ts: at(30), type: 'unhealthy', unit: 'api', reason: 'liveness probe failed 3 times: HTTP 503', state: 'unhealthy' },
    ];
    const why = explain(facts([row('api', 'unhealthy', { pid: 9, probes: [bad] })], events), 'api');
    assert.equal(why.summary, 'liveness probe http GET http://127.0.0.1:3000/live failing since 18:50:20: HTTP 503 (3 times)');
  });

  it('restarted by a watch rule: the rule and the file', () => {
    const events: ProcsEvent[] = [
      { ts: at(1), type: 'spawn', unit: 'api', pid: 7, attempt: 0, state: 'running' },
      { ts: at(9), type: 'watch', unit: 'src', paths: ['src/server.js'] },
      { ts: at(10), type: 'stop', unit: 'api', reason: 'files changed (src)', state: 'stopping', signal: 'SIGTERM' },
      { ts: at(10), type: 'stop', unit: 'api', reason: 'files changed (src)', state: 'stopped' },
      { ts: at(11), type: 'spawn', unit: 'api', pid: 8, attempt: 1, state: 'running' },
    ];
    const why = explain(facts([row('api', 'running', { pid: 8, restarts: 1, started_at: at(11) })], events), 'api');
    assert.deepEqual(why.restarted, { at: at(10), reason: 'files changed (src)', by: 'watch rule src', rule: 'src', paths: ['src/server.js'] });
    assert.equal(whyText(why), 'api is running: running since 18:50:11 (pid 8)\n  restarted at 18:50:10 by watch rule src: src/server.js changed\n');
  });

  it('stopped: by procs stop, by a reload, by a dependency restart, by procs stopping every unit', () => {
    const stop = (unit: string, reason: string, s: number): ProcsEvent => ({ ts: at(s), type: 'stop', unit, reason, state: 'stopped' });
    const events: ProcsEvent[] = [
      stop('a', 'stopped on request', 1),
      stop('b', 'spec changed', 2),
      stop('c', 'db restarted', 3),
      { ts: at(4), type: 'stop', unit: 'procs', reason: 'SIGTERM received', state: 'stopping' },
      { ts: at(5), type: 'stop', unit: 'procs', reason: 'waiting', waiting: ['d'], killAt: at(9) },
      stop('d', 'requested', 6),
    ];
    const f = facts(
      ['a', 'b', 'c', 'd'].map((n) => row(n, 'stopped')),
      events,
    );
    assert.equal(explain(f, 'a').summary, 'stopped at 18:50:01 by procs stop');
    assert.equal(explain(f, 'b').summary, 'stopped at 18:50:02 by a reload (the spec changed)');
    assert.equal(explain(f, 'c').summary, 'stopped at 18:50:03 by a restart of db (it depends on it with restart: true)');
    assert.equal(explain(f, 'd').summary, 'stopped at 18:50:06 by procs stopping every unit: SIGTERM received');
  });

  it('completed, inactive, scheduled, ready, and a name it does not know', () => {
    const events: ProcsEvent[] = [
      { ts: at(1), type: 'spawn', unit: 'api', pid: 5, attempt: 0, state: 'running' },
      { ts: at(3), type: 'ready', unit: 'api', afterMs: 2000, state: 'ready' },
      { ts: at(4), type: 'exit', unit: 'seed', exit: { ...EXIT1, code: 0, status: 0 }, state: 'completed' },
    ];
    const f = facts(
      [
        row('api', 'ready', { pid: 5 }),
        row('seed', 'completed', { exit: { code: 0, signal: null } }),
        row('docs', 'inactive', { reason: "profile 'docs' not active" }),
        row('backup', 'scheduled', {
          schedule: {
            next_run: at(120),
            last_run: { started_at: at(0), ended_at: at(1), ok: false, code: 2, signal: null, reason: 'exited with code 2' },
            skipped: 0,
            beside: 0,
          },
        }),
      ],
      events,
    );
    assert.equal(explain(f, 'api').summary, 'ready since 18:50:03 (pid 5)');
    assert.equal(explain(f, 'seed').summary, 'exited with code 0 at 18:50:04 after 200ms');
    assert.equal(explain(f, 'docs').summary, "profile 'docs' not active");
    const backup = explain(f, 'backup');
    assert.equal(whyText(backup), 'backup is scheduled: next run at 18:52:00\n  last run at 18:50:00: failed: exited with code 2\n');
    assert.equal(explain(f, 'nope').state, 'unknown');
  });

  it('after the fact: units folded from the events; a unit never started says procs stopped first', () => {
    const events: ProcsEvent[] = [
      { ts: at(0), type: 'start', unit: 'procs', runner: 'run', pid: 1 },
      { ts: at(1), type: 'spawn', unit: 'db', pid: 7, attempt: 0, state: 'running' },
      { ts: at(5), type: 'stop', unit: 'procs', reason: 'down requested', state: 'stopping' },
      { ts: at(6), type: 'stop', unit: 'db', reason: 'requested', state: 'stopping' },
      { ts: at(6), type: 'exit', unit: 'db', exit: { code: null, signal: 'SIGTERM', status: 143, durationMs: 5000 }, state: 'stopped' },
      { ts: at(6), type: 'stop', unit: 'db', reason: 'requested', state: 'stopped' },
    ];
    const rows = foldRows(events, ['db', 'api']);
    assert.deepEqual(
      rows.map((r) => [r.name, r.state, r.pid]),
      [
        ['db', 'stopped', null],
        ['api', 'inactive', null],
      ],
    );
    const f = facts(rows, events, { live: false, spec: { api: { dependsOn: [] }, db: { dependsOn: [] } } });
    assert.equal(explain(f, 'db').summary, 'stopped at 18:50:06 by procs stopping every unit: down requested');
    const pendingRows = rows.map((r) => (r.name === 'api' ? { ...r, state: 'pending' as const, reason: null } : r));
    assert.equal(explain(facts(pendingRows, events, { live: false }), 'api').summary, 'not started before procs stopped (down requested)');
  });
});
