// Reads of /proc shared between the units a stop looks at: a read that took long serves for twice
// its cost, so stopping N units on a machine of thousands of processes no longer reads /proc N times.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChannelWatch } from '../../src/proc/holders.js';
import { ProcScans, readProc, scanProcs, type ProcEntry } from '../../src/proc/procfs.js';
import { waitGone } from '../../src/proc/tree.js';
import { ManualClock } from '../helpers/manual-clock.js';

// A scanner that takes `costMs` of the clock's time and counts its reads.
function slowScanner(clock: ManualClock, costMs: number): { scan: () => ProcEntry[]; reads: () => number } {
  let reads = 0;
  return {
    scan: () => {
      reads++;
      clock.advance(costMs);
      return [];
    },
    reads: () => reads,
  };
}

test('a read of /proc that took 20 ms serves the polls of the next 40 ms, though they allow 8', () => {
  const clock = new ManualClock();
  const s = slowScanner(clock, 20);
  const scans = new ProcScans(s.scan);
  scans.recent(clock, 8);
  for (let i = 0; i < 8; i++) {
    clock.advance(5);
    scans.recent(clock, 8);
  }
  assert.equal(s.reads(), 1, '40 ms after a 20 ms read it still serves');
  clock.advance(1);
  scans.recent(clock, 8);
  assert.equal(s.reads(), 2, 'past twice its cost it is read again');
});

test('a cheap read serves only for the age the caller allows', () => {
  const clock = new ManualClock();
  const s = slowScanner(clock, 0);
  const scans = new ProcScans(s.scan);
  scans.recent(clock, 2);
  clock.advance(2);
  scans.recent(clock, 2);
  assert.equal(s.reads(), 1);
  clock.advance(1);
  scans.recent(clock, 2);
  assert.equal(s.reads(), 2);
});

test('an age of 0 reads afresh a millisecond later, however long the last read took', () => {
  const clock = new ManualClock();
  const s = slowScanner(clock, 50);
  const scans = new ProcScans(s.scan);
  scans.recent(clock, 8);
  clock.advance(1);
  scans.recent(clock, 0);
  assert.equal(s.reads(), 2);
});

test('a stop does not take a group for gone from a shared read older than the group: it reads /proc again', async () => {
  // This test process's own group stands for a unit started just after the last read (which, taken
  // before it, shows none of it); that read took long, so it would still be shared.
  const clock = new ManualClock();
  let reads = 0;
  const scans = new ProcScans(() => {
    reads++;
    if (reads > 1) return scanProcs();
    clock.advance(100);
    return [];
  });
  scans.recent(clock, 8);
  clock.advance(1);
  const pgid = readProc(process.pid)?.pgid ?? 0;
  assert.ok(pgid > 0);
  const ctx = { scans, channels: new ChannelWatch(), guard: { guardPid: () => undefined, releaseGroup: () => undefined } };
  assert.equal(await waitGone(pgid, [], 0, clock, undefined, ctx), false, 'the group is there');
  assert.equal(reads, 2, 'read again, fresh');
});
