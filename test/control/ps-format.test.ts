// The `ps` table: its columns, uptime, exits as codes or signal names with 128+N, health words.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UnitRow } from '../../src/control/api.js';
import { exitText, psTable } from '../../src/control/ps-format.js';

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

  it('says exits as the shell does', () => {
    assert.equal(exitText({ code: 0, signal: null }), '0');
    assert.equal(exitText({ code: null, signal: 'SIGTERM' }), 'SIGTERM (143)');
    assert.equal(exitText({ code: null, signal: null }), '-');
  });
});
