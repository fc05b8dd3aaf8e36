import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeExit, describeExitBriefly, exitStatus, signalStatus, signalWithStatus } from '../../src/events/exit.js';
import type { ExitInfo } from '../../src/events/types.js';

describe('exit', () => {
  it('gives the status a shell reports: the code, or 128+N for signal N', () => {
    assert.equal(exitStatus(3, null), 3);
    assert.equal(exitStatus(null, 'SIGTERM'), 143);
    assert.equal(exitStatus(null, null), 0);
    assert.equal(signalStatus('SIGINT'), 130);
    assert.equal(signalStatus('SIGNOPE'), 128);
  });

  it('names a signal with its status, or alone when unknown', () => {
    assert.equal(signalWithStatus('SIGTERM'), 'SIGTERM (143)');
    assert.equal(signalWithStatus('SIGNOPE'), 'SIGNOPE');
  });

  it('puts an exit into words, naming the pipeline step unless asked not to', () => {
    const step: ExitInfo = { code: 2, signal: null, status: 2, durationMs: 1, step: 1 };
    assert.equal(describeExit(step), 'exited with code 2 (step 2)');
    assert.equal(describeExit(step, false), 'exited with code 2');
    assert.equal(describeExit({ code: null, signal: 'SIGKILL', status: 137, durationMs: 1 }), 'exited with signal SIGKILL (137)');
    assert.equal(describeExit({ code: null, signal: null, status: 127, durationMs: 1, error: 'command not found: foo' }), 'command not found: foo');
  });

  it('has a short form for wait failures', () => {
    assert.equal(describeExitBriefly({ code: 3, signal: null }), 'exited with code 3');
    assert.equal(describeExitBriefly({ code: null, signal: 'SIGSEGV' }), 'exited on SIGSEGV');
    assert.equal(describeExitBriefly({ code: null, signal: null }), 'exited');
  });
});
