import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeExit, signalNumber, signalStatus } from '../../src/events/exit.js';
import { exitInfo, signalName } from '../../src/events/signals.js';

describe('signals', () => {
  it('maps names and numbers both ways', () => {
    assert.equal(signalNumber('SIGTERM'), 15);
    assert.equal(signalNumber('SIGKILL'), 9);
    assert.equal(signalName(15), 'SIGTERM');
    assert.equal(signalNumber('SIGNOPE'), undefined);
    assert.equal(signalName(999), undefined);
  });

  it('gives the shell status 128+N', () => {
    assert.equal(signalStatus('SIGKILL'), 137);
    assert.equal(signalStatus('SIGPIPE'), 141);
  });

  it('builds exit values and describes them', () => {
    assert.deepEqual(exitInfo(3, null, 5), { code: 3, signal: null, status: 3, durationMs: 5 });
    const killed = exitInfo(null, 'SIGKILL', 1);
    assert.deepEqual(killed, { code: null, signal: 'SIGKILL', status: 137, durationMs: 1 });
    assert.equal(describeExit(killed), 'exited with signal SIGKILL (137)');
    assert.equal(describeExit(exitInfo(1, null, 0)), 'exited with code 1');
  });
});
