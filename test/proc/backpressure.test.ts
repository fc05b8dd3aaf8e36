import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { createHost } from '../../src/proc/create-host.js';
import { useProcessTracker, waitFor } from '../helpers/processes.js';
import { GatedSink } from '../helpers/sink.js';
import { fx, processUnit } from '../helpers/units.js';

const host = createHost();

const tracker = useProcessTracker();

describe('backpressure', () => {
  it('a full sink pauses the child; memory stays bounded; nothing is lost', async () => {
    const capacity = 64 * 1024;
    const n = 300_000;
    const sink = new GatedSink(capacity);
    const unit = tracker.add(host.spawnUnit(processUnit('flood', fx('lines.js', String(n))), sink));
    let exited = false;
    void unit.exited.then(() => (exited = true));

    await waitFor(() => sink.waiting > 0, 'the sink to refuse a write');
    const atPause = sink.text().length;
    // Absence of progress needs a span of time: while paused, nothing more arrives.
    await delay(300);
    assert.equal(sink.text().length, atPause, 'no output while paused');
    assert.equal(exited, false, 'the child is blocked on its pipe, not finished');

    let maxBetweenDrains = 0;
    let done = false;
    void unit.outputDone.then(() => (done = true));
    while (!done) {
      await waitFor(() => sink.waiting > 0 || done, 'a pause or the end');
      maxBetweenDrains = Math.max(maxBetweenDrains, sink.bytesSinceDrain);
      sink.drain();
    }
    assert.ok(sink.refusals > 10, `paused ${sink.refusals} times`);
    // One chunk of the child's pipe may land after the refusal, never more.
    assert.ok(maxBetweenDrains <= capacity + 128 * 1024, `held ${maxBetweenDrains} bytes between drains`);
    const lines = sink.lines('flood', 'stdout');
    assert.equal(lines.length, n);
    assert.equal(lines[n - 1], `line ${n}`);
    assert.equal((await unit.exited).code, 0);
  });
});
