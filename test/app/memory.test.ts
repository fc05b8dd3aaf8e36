// procs' idle memory: the heap is trimmed once the events have been quiet a moment (not on every
// event, not more than once per gap), and the trim gives the young generation back. Timing on a manual clock; V8's own numbers for the heap.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { getHeapSpaceStatistics } from 'node:v8';
import { BUSY_OUTPUT_BYTES, HEAVY_OUTPUT_BYTES, MIN_GAP_MS, optimiseOnHeavyOutput, QUIET_MS, reduceHeap, trimWhenQuiet } from '../../src/app/memory.js';
import { createProject } from '../../src/app/project.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { buildSpec } from '../control/fakes.js';

const MiB = 1024 * 1024;
const youngBytes = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

// Allocates objects that survive a few young collections, the pattern that makes V8 grow its young generation.
function churn(): number {
  let keep: { j: number; s: string }[][] = [];
  let n = 0;
  for (let i = 0; i < 60; i++) {
    const a: { j: number; s: string }[] = [];
    for (let j = 0; j < 10_000; j++) a.push({ j, s: `x${j}` });
    keep.push(a);
    if (keep.length > 10) keep.shift();
    n += a.length;
  }
  keep = [];
  return n + keep.length;
}

describe('trimWhenQuiet', () => {
  it('trims once the activity has been quiet for QUIET_MS, not before', () => {
    const clock = new ManualClock();
    let trims = 0;
    const t = trimWhenQuiet({ clock, trim: () => void (trims += 1) });
    t.activity();
    clock.advance(QUIET_MS - 100);
    t.activity();
    clock.advance(QUIET_MS - 100);
    assert.equal(trims, 0, 'events kept coming');
    clock.advance(100);
    assert.equal(trims, 1);
    clock.advance(10 * QUIET_MS);
    assert.equal(trims, 1, 'nothing happened since');
    t.close();
  });

  it('does not trim twice within MIN_GAP_MS, and not at all after close', () => {
    const clock = new ManualClock();
    let trims = 0;
    const t = trimWhenQuiet({ clock, trim: () => void (trims += 1) });
    t.activity();
    clock.advance(QUIET_MS);
    assert.equal(trims, 1);
    t.activity();
    clock.advance(QUIET_MS);
    assert.equal(trims, 1, 'within the gap');
    clock.advance(MIN_GAP_MS);
    assert.equal(trims, 2, 'the trim waited for the gap');
    t.activity();
    t.close();
    clock.advance(2 * MIN_GAP_MS);
    assert.equal(trims, 2);
  });
});

describe('trimWhenQuiet and output', () => {
  it('puts the trim off while heavy output flows, not for light chatter', () => {
    const clock = new ManualClock();
    let trims = 0;
    const t = trimWhenQuiet({ clock, trim: () => void (trims += 1), minGapMs: 0 });
    t.activity();
    for (let i = 0; i < 5; i++) {
      t.output(BUSY_OUTPUT_BYTES);
      clock.advance(QUIET_MS);
    }
    assert.equal(trims, 0, 'a flood of output, no trim in it');
    clock.advance(QUIET_MS);
    assert.equal(trims, 1, 'the trim once the flood is over');
    t.activity();
    t.output(100);
    clock.advance(QUIET_MS);
    assert.equal(trims, 2, 'a few lines do not put it off');
    t.close();
  });
});

describe('optimiseOnHeavyOutput', () => {
  it("puts V8's usual counts back once, when output turns heavy, not for light chatter", () => {
    let usual = 0;
    const seen = optimiseOnHeavyOutput(() => usual++);
    for (let i = 0; i < 100; i++) seen(100);
    assert.equal(usual, 0, 'light chatter');
    seen(HEAVY_OUTPUT_BYTES);
    assert.equal(usual, 1, 'heavy output');
    seen(HEAVY_OUTPUT_BYTES);
    assert.equal(usual, 1, 'once');
  });

  it('sets flags V8 knows (an unknown one would be printed on stderr)', () => {
    // The real call: Node 22 and 24 know both flags; an unknown flag makes V8 print an error.
    optimiseOnHeavyOutput()(HEAVY_OUTPUT_BYTES);
  });
});

describe('the heap', () => {
  it('reduceHeap gives the grown young generation back', () => {
    churn();
    const grown = youngBytes();
    assert.ok(grown > 4 * MiB, `the young generation grew (${grown} bytes)`);
    reduceHeap();
    assert.ok(youngBytes() <= 2 * MiB, `after the trim: ${youngBytes()} bytes`);
  });
});

describe('a project', () => {
  const root = mkdtempSync(join(tmpdir(), 'procs-memory-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('trims its heap once its events and its output are quiet', async () => {
    const clock = new ManualClock();
    let trims = 0;
    const spec = { ...buildSpec({ processes: { web: 'sleep 60' }, pools: {} }), root };
    const project = createProject({
      spec,
      out: new PassThrough(),
      err: new PassThrough(),
      json: false,
      color: false,
      heapTrim: { clock, trim: () => void (trims += 1) },
    });
    project.begin('up');
    project.sink.write({ unit: 'web', stream: 'stdout', text: 'x'.repeat(BUSY_OUTPUT_BYTES) });
    clock.advance(QUIET_MS);
    assert.equal(trims, 0, 'output was heavy');
    clock.advance(QUIET_MS);
    assert.equal(trims, 1);
    await project.close();
  });
});
