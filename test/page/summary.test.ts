// The tab's title and icon from the project's summary, the header's counts, and the figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countsByState, iconOf, summaryOf, titleOf } from '../../page/lib/summary.js';
import { bytes, duration, exitText, percent } from '../../page/lib/format.js';
import type { UnitRow } from '../../page/lib/types.js';

const units = (...states: UnitRow['state'][]): { state: UnitRow['state'] }[] => states.map((state) => ({ state }));

test('summary: failed over starting over all up', () => {
  assert.equal(summaryOf(units('ready', 'running', 'completed', 'stopped', 'scheduled')), 'ok');
  assert.equal(summaryOf(units('ready', 'pending')), 'starting');
  assert.equal(summaryOf(units('starting', 'ready')), 'starting');
  assert.equal(summaryOf(units('starting', 'backoff')), 'failed');
  assert.equal(summaryOf(units('ready', 'unhealthy')), 'failed');
  assert.equal(summaryOf(units('pending', 'failed')), 'failed');
  assert.equal(summaryOf([]), 'ok');
});

test('title and icon', () => {
  assert.equal(titleOf('shop', 'ok', true), '✔ shop · procs');
  assert.equal(titleOf('shop', 'starting', true), '… shop · procs');
  assert.equal(titleOf('shop', 'failed', true), '✖ shop · procs');
  assert.equal(titleOf('shop', 'ok', false), 'disconnected · shop · procs');
  assert.equal(iconOf('ok', true), '/assets/icon-ok.svg');
  assert.equal(iconOf('starting', true), '/assets/icon-starting.svg');
  assert.equal(iconOf('failed', true), '/assets/icon-failed.svg');
  assert.equal(iconOf('failed', false), '/assets/icon-disconnected.svg');
});

test('counts by state: only the states present', () => {
  assert.deepEqual(countsByState(units('ready', 'failed', 'ready', 'pending')), [
    ['ready', 2],
    ['failed', 1],
    ['pending', 1],
  ]);
});

test('figures: durations, bytes, percents, exits', () => {
  assert.equal(duration(45_900), '45s');
  assert.equal(duration(185_000), '3m 05s');
  assert.equal(duration(7_620_000), '2h 07m');
  assert.equal(duration(3 * 86_400_000 + 4 * 3_600_000), '3d 4h');
  assert.equal(bytes(512), '512 B');
  assert.equal(bytes(84_000_000), '80.1 MiB');
  assert.equal(bytes(null), '');
  assert.equal(percent(1.23), '1.2%');
  assert.equal(percent(23.5), '24%');
  assert.equal(exitText({ code: 1, signal: null }), '1');
  assert.equal(exitText({ code: null, signal: 'SIGTERM' }), 'SIGTERM');
  assert.equal(exitText({ code: null, signal: null }), '');
});
