// The log pane's bookkeeping: the store of lines taken in (bounded, numbered, counted per unit),
// which lines a pane shows, and the before/have query for older lines — paging back through
// files whose lines share stamps gives every line once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '../../page/lib/filter.js';
import { ALL, inPane, olderQuery, shown } from '../../page/lib/paging.js';
import { LineStore } from '../../page/lib/store.js';
import type { LogLine } from '../../page/lib/types.js';

const line = (unit: string, text: string, ts = '2026-01-01T00:00:00.000Z', stream: LogLine['stream'] = 'stdout'): LogLine => ({ ts, unit, stream, text });
const pools = new Map([
  ['web.1', 'web'],
  ['web.2', 'web'],
]);
const poolOf = (u: string): string | undefined => pools.get(u);

test('a pane: every unit in *, a unit its own, a pool its instances', () => {
  assert.ok(inPane(ALL, 'api', poolOf));
  assert.ok(inPane('api', 'api', poolOf));
  assert.ok(!inPane('api', 'web.1', poolOf));
  assert.ok(inPane('web', 'web.2', poolOf));
  assert.ok(!inPane('web', 'api', poolOf));
  assert.ok(shown('web', parseFilter('/err/'), poolOf, line('web.1', '\u001b[31merr\u001b[0m')));
  assert.ok(!shown('web', parseFilter('31m'), poolOf, line('web.1', '\u001b[31merr\u001b[0m')));
});

test('the store keeps the newest lines, numbered in order, and counts every line received', () => {
  const s = new LineStore(3);
  s.add([line('a', '1'), line('b', '2')]);
  s.add([line('a', '3'), line('a', '4')]);
  assert.deepEqual(s.range, { first: 1, next: 4 });
  assert.ok(s.dropped);
  assert.equal(s.oldest()?.line.text, '2');
  assert.equal(s.count(), 4);
  assert.equal(
    s.count((u) => u === 'a'),
    3,
  );
  const all = s.lastBefore(4, 10, () => true);
  assert.deepEqual(
    all.lines.map((l) => [l.seq, l.line.text]),
    [
      [1, '2'],
      [2, '3'],
      [3, '4'],
    ],
  );
  assert.ok(all.exhausted);
  const some = s.lastBefore(4, 1, (l) => l.unit === 'a');
  assert.deepEqual(
    some.lines.map((l) => l.line.text),
    ['4'],
  );
  assert.ok(!some.exhausted);
  assert.deepEqual(
    s.lastBefore(4, 10, () => true, 3).lines.map((l) => l.line.text),
    ['4'],
  );
  // A new history: the kept lines go, the counts stay.
  s.clear();
  assert.equal(s.oldest(), undefined);
  assert.equal(s.lastBefore(10, 10, () => true).lines.length, 0);
  assert.equal(s.count(), 4);
});

test('the older query: the oldest stamp held, and the lines held with exactly that stamp per unit', () => {
  const held = [line('a', 'x', 'T2'), line('b', 'y', 'T2'), line('a', 'z', 'T2'), line('b', 'w', 'T3')];
  assert.deepEqual(olderQuery('web', '/x/', held, 500), [
    ['unit', 'web'],
    ['before', 'T2'],
    ['have', 'a:2'],
    ['have', 'b:1'],
    ['limit', '500'],
    ['q', '/x/'],
  ]);
  assert.deepEqual(olderQuery(ALL, '', [], 100), [['limit', '100']]);
  assert.deepEqual(olderQuery(ALL, '', [], 100, 'T9'), [
    ['before', 'T9'],
    ['limit', '100'],
  ]);
});

/** /api/logs as protocol.ts describes it, over lines oldest first. */
function serve(files: readonly LogLine[], params: readonly [string, string][]): { lines: LogLine[]; more: boolean } {
  const get = (k: string): string[] => params.filter(([n]) => n === k).map(([, v]) => v);
  const units = get('unit');
  const before = get('before')[0];
  const limit = Number(get('limit')[0] ?? 500);
  const skip = new Map(
    get('have').map((h) => {
      const i = h.lastIndexOf(':');
      return [h.slice(0, i), Number(h.slice(i + 1))] as const;
    }),
  );
  const out: LogLine[] = [];
  for (let i = files.length - 1; i >= 0; i--) {
    const l = files[i]!;
    if (units.length > 0 && !units.some((u) => inPane(u, l.unit, poolOf))) continue;
    if (before !== undefined && l.ts > before) continue;
    const left = skip.get(l.unit) ?? 0;
    if (before !== undefined && l.ts === before && left > 0) {
      skip.set(l.unit, left - 1);
      continue;
    }
    out.push(l);
  }
  out.reverse();
  return { lines: out.slice(Math.max(0, out.length - limit)), more: out.length > limit };
}

test('paging back from the newest lines with before/have gives every line once, stamps shared or not', () => {
  // Three units, many lines per millisecond, interleaved.
  const files: LogLine[] = [];
  for (let i = 0; i < 2000; i++) {
    const ms = String(Math.floor(i / 37)).padStart(3, '0');
    const unit = ['api', 'web.1', 'web.2'][(i * 7) % 3]!;
    files.push(line(unit, `${unit} ${i}`, `2026-01-01T00:00:00.${ms}Z`));
  }
  for (const [pane, limit] of [
    [ALL, 50],
    ['web', 13],
    ['api', 1],
    ['web.2', 37],
  ] as const) {
    const expected = files.filter((l) => inPane(pane, l.unit, poolOf));
    // The pane holds the newest 100 of its lines (as from the stream), then pages back.
    let held = expected.slice(-100);
    for (;;) {
      const page = serve(files, olderQuery(pane, '', held, limit));
      held = [...page.lines, ...held];
      if (!page.more) break;
    }
    assert.deepEqual(
      held.map((l) => l.text),
      expected.map((l) => l.text),
      `pane ${pane}, ${limit} at a time`,
    );
  }
});
