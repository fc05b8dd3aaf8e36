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
];

describe('unit states', () => {
  it('splits every state into ended and not ended, with the live ones among the not ended', () => {
    for (const s of ALL) assert.notEqual(ENDED_STATES.has(s), NOT_ENDED_STATES.has(s), s);
    assert.equal(ENDED_STATES.size + NOT_ENDED_STATES.size, ALL.length);
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
