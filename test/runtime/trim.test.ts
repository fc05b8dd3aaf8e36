// The memory trim after starts: it runs V8's footprint-reducing collection without exposing `gc`
// to procs' own global, and gives back what a burst of allocation grew.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trim } from '../../src/runtime/trim.js';

describe('trim', () => {
  it('collects without putting gc on the global object', () => {
    // A burst of short-lived allocation grows the young generation.
    let keep = 0;
    for (let i = 0; i < 200_000; i++) keep += JSON.stringify({ i, s: 'x'.repeat(i % 64) }).length;
    assert.ok(keep > 0);
    const before = process.memoryUsage().heapTotal;
    trim();
    const after = process.memoryUsage().heapTotal;
    assert.ok(after <= before, `the heap did not grow (${before} → ${after})`);
    assert.equal((globalThis as { gc?: unknown }).gc, undefined);
  });
});
