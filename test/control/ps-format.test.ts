// The `ps` table: its columns, uptime, exits as codes or signal names with 128+N, health words.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UnitRow, UsageResult } from '../../src/control/api.js';
import { exitText, formatBytes, psTable, rowsWithUsage } from '../../src/app/ps-format.js';

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

  it('adds CPU, MEM and PSS after PID with a total line; units that do not run show -', () => {
    const now = Date.parse('2025-01-01T10:01:05.000Z');
    const MiB = 1024 * 1024;
    const usage: UsageResult = {
      units: [
        { name: 'api', cpu_percent: 12.34, rss_bytes: 45.6 * MiB, pss_bytes: 30 * MiB },
        { name: 'worker.0', cpu_percent: 100, rss_bytes: 1536 * MiB, pss_bytes: null },
        { name: 'worker.1', cpu_percent: 0, rss_bytes: 512 * 1024, pss_bytes: 100 },
      ],
      total: { cpu_percent: 112.3, rss_bytes: 1582.1 * MiB, pss_bytes: null },
      window_ms: 1000,
    };
    const units = [
      row({}),
      row({ name: 'worker.0', kind: 'instance', pool: 'worker', pid: 43 }),
      row({ name: 'worker.1', kind: 'instance', pool: 'worker', pid: 44 }),
      row({ name: 'db', state: 'stopped', pid: null, exit: { code: 0, signal: null } }),
    ];
    assert.equal(
      psTable(units, now, usage),
      [
        'NAME        STATE    PID  CPU     MEM        PSS       RESTARTS  UPTIME  EXIT  HEALTH',
        'api         running  42   12.3%   45.6 MiB   30.0 MiB  0         1m 5s   -     -',
        'worker      2/2 up   -    100.0%  1.5 GiB    -         0         -       -     -',
        '  worker.0  running  43   100.0%  1.5 GiB    -         0         1m 5s   -     -',
        '  worker.1  running  44   0.0%    512.0 KiB  100 B     0         1m 5s   -     -',
        'db          stopped  -    -       -          -         0         -       0     -',
        'TOTAL                     112.3%  1.5 GiB    -',
      ].join('\n'),
    );
    const json = rowsWithUsage(units, usage);
    assert.deepEqual(
      json.map((u) => [u.name, u.cpu_percent, u.rss_bytes, u.pss_bytes]),
      [
        ['api', 12.34, 45.6 * MiB, 30 * MiB],
        ['worker.0', 100, 1536 * MiB, null],
        ['worker.1', 0, 512 * 1024, 100],
        ['db', null, null, null],
      ],
    );
  });

  it('says sizes in binary units with one decimal', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 KiB');
    assert.equal(formatBytes(12.34 * 1024 * 1024), '12.3 MiB');
    assert.equal(formatBytes(1024 * 1024 * 1024 - 1), '1.0 GiB');
    assert.equal(formatBytes(3 * 1024 ** 4), '3.0 TiB');
  });

  it('says exits as the shell does', () => {
    assert.equal(exitText({ code: 0, signal: null }), '0');
    assert.equal(exitText({ code: null, signal: 'SIGTERM' }), 'SIGTERM (143)');
    assert.equal(exitText({ code: null, signal: null }), '-');
  });
});
