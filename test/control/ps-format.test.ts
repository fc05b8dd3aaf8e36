// The `ps` table: its columns, uptime, exits as codes or signal names with 128+N, health words.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UnitRow } from '../../src/control/api.js';
import { exitText, psTable } from '../../src/app/ps-format.js';

const row = (over: Partial<UnitRow>): UnitRow => ({
  name: 'api',
  kind: 'process',
  pool: null,
  state: 'running',
  pid: 42,
  restarts: 0,
  started_at: '2025-01-01T10:00:00.000Z',
  exit: { code: null, signal: null },
  health: { readiness: null, liveness: null },
  reason: null,
  ...over,
});

describe('ps table', () => {
  it('lines the columns up, a pool summed up above its instances', () => {
    const now = Date.parse('2025-01-01T10:01:05.000Z');
    const text = psTable(
      [
        row({ health: { readiness: 'ok', liveness: 'ok' }, state: 'ready' }),
        row({ name: 'worker.10', kind: 'instance', pool: 'worker', state: 'failed', pid: null, restarts: 5, exit: { code: 3, signal: null } }),
        row({ name: 'db', state: 'stopped', pid: null, exit: { code: null, signal: 'SIGKILL' }, health: { readiness: 'pending', liveness: null } }),
      ],
      now,
    );
    assert.equal(
      text,
      [
        'NAME         STATE              PID  RESTARTS  UPTIME  EXIT           HEALTH',
        'api          ready              42   0         1m 5s   -              ready, live',
        'worker       0/1 up (1 failed)  -    5         -       -              -',
        '  worker.10  failed             -    5         -       3              -',
        'db           stopped            -    0         -       SIGKILL (137)  not ready',
      ].join('\n'),
    );
  });

  it('shows a watch rule: what it does beside its state, the pid of its run, how long it has watched, how the last run went', () => {
    const now = Date.parse('2025-01-01T10:01:05.000Z');
    const watch = (over: Partial<NonNullable<UnitRow['watch']>>): UnitRow['watch'] => ({
      paths: ['src/**'],
      targets: ['api'],
      activity: 'idle',
      queued: false,
      runs: 0,
      last_run: null,
      ...over,
    });
    const text = psTable(
      [
        row({
          name: 'api-build',
          kind: 'watch',
          pid: 77,
          restarts: 3,
          watch: watch({ activity: 'run', queued: true, runs: 4, last_run: { started_at: '2025-01-01T10:01:00.000Z', ok: null } }),
        }),
        row({
          name: 'css',
          kind: 'watch',
          pid: null,
          restarts: 2,
          exit: { code: 1, signal: null },
          watch: watch({ runs: 2, last_run: { started_at: '2025-01-01T10:00:30.000Z', ok: false } }),
        }),
        row({ name: 'web.watch', kind: 'watch', pid: null, watch: watch({ activity: 'waiting' }) }),
        row({ name: 'docs', kind: 'watch', state: 'stopped', pid: null, started_at: null, reason: 'watch rules are off (--no-watch)', watch: watch({}) }),
      ],
      now,
    );
    assert.equal(
      text,
      [
        'NAME       STATE                         PID  RESTARTS  UPTIME  EXIT  HEALTH',
        'api-build  running (building, 1 queued)  77   3         1m 5s   -     -',
        'css        running                       -    2         1m 5s   1     last run failed',
        'web.watch  running (changes seen)        -    0         1m 5s   -     -',
        'docs       stopped                       -    0         -       -     -',
      ].join('\n'),
    );
  });

  it('says exits as the shell does', () => {
    assert.equal(exitText({ code: 0, signal: null }), '0');
    assert.equal(exitText({ code: null, signal: 'SIGTERM' }), 'SIGTERM (143)');
    assert.equal(exitText({ code: null, signal: null }), '-');
  });
});
