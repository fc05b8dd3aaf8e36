import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENDED_STATES, isUpState, LIVE_STATES, NOT_ENDED_STATES, type UnitState } from '../../src/events/types.js';

const ALL: readonly UnitState[] = [
  'pending',
  'starting',
  'running',
  'ready',
  'unhealthy',
  'backoff',
  'stopping',
  'stopped',
  'completed',
  'failed',
  'skipped',
  'scheduled',
  'inactive',
];

describe('unit states', () => {
  it('splits every state into ended and not ended, with the live ones among the not ended', () => {
    // `inactive` is neither: the unit was never wanted (waits and exits leave it out).
    for (const s of ALL.filter((x) => x !== 'inactive')) assert.notEqual(ENDED_STATES.has(s), NOT_ENDED_STATES.has(s), s);
    assert.ok(!ENDED_STATES.has('inactive') && !NOT_ENDED_STATES.has('inactive'));
    assert.equal(ENDED_STATES.size + NOT_ENDED_STATES.size, ALL.length - 1);
    for (const s of LIVE_STATES) assert.ok(NOT_ENDED_STATES.has(s), s);
  });

  it('counts ready, or running without a readiness probe, or scheduled, as up', () => {
    assert.deepEqual(
      ALL.filter((s) => isUpState(s, false)),
      ['running', 'ready', 'scheduled'],
    );
    assert.deepEqual(
      ALL.filter((s) => isUpState(s, true)),
      ['ready', 'scheduled'],
    );
  });
});
