// The usage figures of a running project: CPU from the difference of two samples (100% is one
// core), a second sample taken only when no earlier one is old enough, a restarted unit counted
// from its start, and the total. On a fake sampler and a hand-driven clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageTracker, type UsageUnit } from '../../src/app/usage.js';
import type { TreeUsage, UsageSample } from '../../src/proc/usage.js';

interface Tree {
  readonly start: string;
  readonly ticks: number;
  readonly pss: number | null;
}

interface FakeProject {
  readonly tracker: UsageTracker;
  /** Each leader's tree now, by pid. */
  readonly trees: Map<number, Tree>;
  /** Ticks each tree spends while the tracker waits. */
  readonly during: Map<number, number>;
  /** When samples were taken, and how long each wait was. */
  readonly samples: number[];
  readonly waits: number[];
  advance(ms: number): void;
}

/** A sampler over trees the test sets (100 ticks a second), on a clock the test moves. */
function fakeProject(): FakeProject {
  let now = 10_000;
  const trees = new Map<number, Tree>();
  const during = new Map<number, number>();
  const samples: number[] = [];
  const waits: number[] = [];
  const sample = (pids: readonly number[]): UsageSample => {
    samples.push(now);
    const out = new Map<number, TreeUsage>();
    for (const pid of pids) {
      const t = trees.get(pid);
      if (t) out.set(pid, { start: t.start, ticks: t.ticks, rssBytes: pid * 1000, pssBytes: t.pss, processes: 1 });
    }
    return { at: now, ticksPerSecond: 100, trees: out };
  };
  const tracker = new UsageTracker(sample, {
    minWindowMs: 500,
    maxAgeMs: 10_000,
    now: () => now,
    wait: async (ms) => {
      waits.push(ms);
      now += ms;
      for (const [pid, t] of during) {
        const tree = trees.get(pid);
        if (tree) trees.set(pid, { ...tree, ticks: tree.ticks + t });
      }
    },
  });
  return {
    tracker,
    trees,
    during,
    samples,
    waits,
    advance: (ms) => {
      now += ms;
    },
  };
}

const units: UsageUnit[] = [
  { name: 'busy', pid: 1 },
  { name: 'idle', pid: 2 },
  { name: 'stopped', pid: null },
];

describe('usage figures', () => {
  it('with no earlier sample, takes two a moment apart: CPU in percent of one core', async () => {
    const f = fakeProject();
    f.trees.set(1, { start: 's1', ticks: 1000, pss: 5 });
    f.trees.set(2, { start: 's2', ticks: 7, pss: 6 });
    f.during.set(1, 75); // 0.75 s of CPU in 0.5 s: 150%
    const r = await f.tracker.usage(() => units);
    assert.deepEqual(f.waits, [500]);
    assert.equal(f.samples.length, 2);
    assert.deepEqual(r.units, [
      { name: 'busy', cpu_percent: 150, rss_bytes: 1000, pss_bytes: 5 },
      { name: 'idle', cpu_percent: 0, rss_bytes: 2000, pss_bytes: 6 },
    ]);
    assert.deepEqual(r.total, { cpu_percent: 150, rss_bytes: 3000, pss_bytes: 11 });
    assert.equal(r.window_ms, 500);
  });

  it('answers at once from a recent sample, and waits out one that is too recent', async () => {
    const f = fakeProject();
    f.trees.set(1, { start: 's1', ticks: 0, pss: null });
    f.trees.set(2, { start: 's2', ticks: 0, pss: 1 });
    await f.tracker.usage(() => units);
    f.advance(2000);
    f.trees.set(1, { start: 's1', ticks: 100, pss: null }); // 1 s of CPU in 2 s
    const r = await f.tracker.usage(() => units);
    assert.deepEqual(f.waits, [500], 'no wait the second time');
    assert.equal(r.units[0]?.cpu_percent, 50);
    assert.equal(r.window_ms, 2000);
    assert.equal(r.total.pss_bytes, null, 'one unknown PSS makes the total unknown');
    f.advance(100);
    await f.tracker.usage(() => units);
    assert.deepEqual(f.waits, [500], 'a sample 2.1 s old still serves');
    f.advance(10_001);
    await f.tracker.usage(() => units);
    assert.deepEqual(f.waits, [500, 500], 'one older than 10 s does not');
  });

  it('counts a restarted unit (same pid, another start) from zero, never below it', async () => {
    const f = fakeProject();
    f.trees.set(1, { start: 's1', ticks: 5000, pss: null });
    f.trees.set(2, { start: 's2', ticks: 300, pss: null });
    await f.tracker.usage(() => units);
    f.advance(1000);
    f.trees.set(1, { start: 'later', ticks: 20, pss: null });
    f.trees.set(2, { start: 's2', ticks: 250, pss: null }); // a process left the tree
    const r = await f.tracker.usage(() => units);
    assert.deepEqual(
      r.units.map((u) => u.cpu_percent),
      [20, 0],
    );
  });
});
