// Merging unit tails in time order, and dropping live lines the tails already showed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeByTime, withoutShown } from '../../src/app/log-merge.js';
import type { LogLine } from '../../src/output/log-read.js';

const at = (s: number): string => new Date(Date.UTC(2025, 0, 1, 10, 0, s)).toISOString();
const out = (s: number, text: string): LogLine => ({ ts: at(s), stream: 'stdout', text });

describe('log merge', () => {
  it("orders lines of all units by time, keeping each unit's order on ties and odd lines in place", () => {
    const merged = mergeByTime(
      new Map([
        ['a', [out(1, 'a1'), out(3, 'a3'), { ts: '', stream: 'stdout', text: 'a-odd' }]],
        ['b', [out(2, 'b2'), out(3, 'b3'), out(4, 'b4')]],
      ]),
    );
    assert.deepEqual(
      merged.map((l) => `${l.unit}:${l.text}`),
      ['a:a1', 'b:b2', 'a:a3', 'a:a-odd', 'b:b3', 'b:b4'],
    );
  });

  it('drops live lines already shown from the files, once each, and keeps the rest', () => {
    const shown = mergeByTime(new Map([['a', [out(1, 'x'), out(2, 'y')]]]));
    const live = withoutShown(
      [
        { ts: at(2), unit: 'a', stream: 'stdout', text: 'y\nz\n' },
        { ts: at(2), unit: 'a', stream: 'stdout', text: 'y\n' },
        { ts: at(2), unit: 'b', stream: 'stdout', text: 'y\n' },
        { ts: at(9), unit: 'a', stream: 'stdout', text: 'x\n' },
      ],
      shown,
    );
    assert.deepEqual(
      live.map((b) => `${b.unit}:${b.text}`),
      ['a:z\n', 'a:y\n', 'b:y\n', 'a:x\n'],
    );
  });
});
