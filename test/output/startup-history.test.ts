// Startup times across runs: the history bounded per unit, units gone from the spec dropped, and
// a unit flagged when it came up more than 50 % slower than its median over at least 3 runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addRun, median, parseHistory, slowText, slowUnits, type StartupHistory } from '../../src/output/critical-chain-history.js';
import type { StartupAnalysis, UnitStartup } from '../../src/output/critical-chain.js';
import { startupVerdict } from '../../src/app/startup-history.js';
import type { ProbeSpec } from '../../src/config/spec.js';
import type { UnitState } from '../../src/events/types.js';
import { DEFAULT_RESTART, processUnit, sh } from '../helpers/units.js';

const readiness = (): ProbeSpec => ({
  check: { kind: 'tcp', host: '127.0.0.1', port: 1, display: 'tcp 127.0.0.1:1' },
  intervalMs: 100,
  timeoutMs: 100,
  initialDelayMs: 0,
  failureThreshold: 1,
  successThreshold: 1,
});

const run = (startedAt: string, units: Record<string, number>): StartupAnalysis => {
  const rows: UnitStartup[] = Object.entries(units).map(([unit, ms]) => ({ unit, spawnedMs: 0, upMs: ms, tookMs: ms, how: 'ready' }));
  return { startedAt, allUpMs: Math.max(...rows.map((r) => r.upMs!)), units: rows, chain: rows };
};

const history = (units: Record<string, number[]>): StartupHistory => ({
  version: 1,
  units: Object.fromEntries(Object.entries(units).map(([u, list]) => [u, list.map((ms, i) => ({ at: `run-${i}`, ms }))])),
});

describe('startup history', () => {
  it('keeps the last 10 runs per unit and drops units no longer in the spec', () => {
    let h = parseHistory(undefined);
    for (let i = 0; i < 14; i++) h = addRun(h, run(`t${i}`, { api: 100 + i, gone: 5 }), new Set(['api', 'gone']));
    assert.equal(h.units.api!.length, 10);
    assert.deepEqual(
      h.units.api!.map((s) => s.ms),
      [104, 105, 106, 107, 108, 109, 110, 111, 112, 113],
    );
    h = addRun(h, run('t14', { api: 90 }), new Set(['api']));
    assert.deepEqual(Object.keys(h.units), ['api']);
    // The same run recorded again replaces its sample.
    h = addRun(h, run('t14', { api: 95 }), new Set(['api']));
    assert.deepEqual(h.units.api!.slice(-2), [
      { at: 't13', ms: 113 },
      { at: 't14', ms: 95 },
    ]);
    assert.deepEqual(parseHistory(JSON.stringify(h)), h);
    assert.deepEqual(parseHistory('not json'), { version: 1, units: {} });
  });

  it('flags a unit more than 50 % slower than its median of at least 3 previous runs', () => {
    const h = history({ api: [1700, 1600, 1800, 1500, 1900], db: [100, 100], web: [400, 400, 400] });
    const slow = slowUnits(run('now', { api: 3100, db: 900, web: 600 }), h);
    assert.deepEqual(
      slow.map((s) => s.unit),
      ['api'],
    );
    assert.equal(slowText(slow[0]!), 'api ready in 3.1s, 82 % slower than its median 1.7s (last 5 starts)');
    // The run itself, when already recorded, is not one of the previous runs.
    const recorded = addRun(history({ web: [400, 400, 400] }), run('now', { web: 601 }), new Set(['web']));
    assert.equal(slowUnits(run('now', { web: 601 }), recorded)[0]?.runs, 3);
    assert.equal(median([3, 1, 2, 10]), 2.5);
  });

  it('does not flag a few milliseconds over a tiny median: timer noise', () => {
    const h = history({ web: [0, 1, 0, 2], api: [20, 20, 20] });
    assert.deepEqual(slowUnits(run('now', { web: 9, api: 69 }), h), []);
    assert.deepEqual(
      slowUnits(run('now', { api: 71 }), h).map((s) => s.unit),
      ['api'],
    );
  });
});

describe('when a startup has settled', () => {
  const units = [
    processUnit('db', sh('db'), { health: { readiness: readiness() } }),
    processUnit('step', sh('step'), { restart: { ...DEFAULT_RESTART, policy: 'never' } }),
    processUnit('web', sh('web')),
  ];
  const rows = (db: UnitState, step: UnitState, web: UnitState) => [
    { name: 'db', state: db },
    { name: 'step', state: step },
    { name: 'web', state: web },
  ];

  it('waits for every unit started to be up, a one-shot step to complete', () => {
    assert.equal(startupVerdict(units, rows('stopped', 'stopped', 'stopped')), 'waiting');
    assert.equal(startupVerdict(units, rows('running', 'completed', 'running')), 'waiting');
    assert.equal(startupVerdict(units, rows('ready', 'running', 'running')), 'waiting');
    assert.equal(startupVerdict(units, rows('ready', 'completed', 'running')), 'settled');
    assert.equal(startupVerdict(units, rows('ready', 'stopped', 'inactive')), 'settled');
    assert.equal(startupVerdict(units, rows('ready', 'failed', 'pending')), 'never');
  });
});
