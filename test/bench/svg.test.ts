// The results' SVG line chart: a well-formed document, one polyline per series, scales that keep order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeXml, lineChart, niceTicks, scale } from '../../bench/lib/svg.js';

const panels = [
  {
    title: 'time <s>',
    xLabel: 'N',
    yLabel: 's',
    logX: true,
    series: [
      {
        name: 'procs',
        points: [
          [10, 0.1],
          [100, 0.5],
          [1000, 4],
        ] as const,
      },
      {
        name: 'sh & co',
        points: [
          [10, 0.05],
          [100, 0.4],
          [1000, 3.5],
        ] as const,
      },
    ],
  },
  {
    title: 'RSS',
    xLabel: 'N',
    yLabel: 'MiB',
    logX: true,
    series: [
      {
        name: 'procs',
        points: [
          [10, 70],
          [1000, 90],
        ] as const,
      },
    ],
  },
];

// Every opened element is closed, in order (self-closing ones need nothing).
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '') stack.push(m[2] ?? '');
    else if (stack.pop() !== m[2]) return false;
  }
  return stack.length === 0;
}

test('the chart is one balanced svg element with escaped text', () => {
  const svg = lineChart(panels);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.ok(balanced(svg));
  assert.ok(svg.includes('time &lt;s&gt;'));
  assert.ok(svg.includes('sh &amp; co'));
  assert.ok(!/[<>&]"/.test(escapeXml('a<b>&"')));
});

test('one polyline per series, with one point per data point, and one legend entry per name', () => {
  const svg = lineChart(panels);
  const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => (m[1] ?? '').split(' ').length);
  assert.deepEqual(lines, [3, 3, 2]);
  assert.equal([...svg.matchAll(/class="legend"/g)].length, 2);
  // The same name has the same colour in both panels.
  const colours = [...svg.matchAll(/<polyline fill="none" stroke="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(colours[0], colours[2]);
  assert.notEqual(colours[0], colours[1]);
});

test('scales keep order, linear and logarithmic; y grows upwards on screen', () => {
  const log = scale(10, 1000, 0, 300, true);
  assert.equal(log(10), 0);
  assert.equal(log(1000), 300);
  assert.equal(log(100), 150);
  const down = scale(0, 50, 200, 20);
  const ys = [0, 10, 25, 50].map(down);
  for (let i = 1; i < ys.length; i++) assert.ok((ys[i] ?? 0) < (ys[i - 1] ?? 0));
  const svg = lineChart(panels);
  const first = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)][0]?.[1] ?? '';
  const pts = first.split(' ').map((p) => p.split(',').map(Number));
  for (let i = 1; i < pts.length; i++) {
    assert.ok((pts[i]?.[0] ?? 0) > (pts[i - 1]?.[0] ?? 0), 'x rises with N');
    assert.ok((pts[i]?.[1] ?? 0) < (pts[i - 1]?.[1] ?? 0), 'a larger time is higher up');
  }
});

test('ticks are round, ascending and cover the range', () => {
  const t = niceTicks(0, 87);
  assert.deepEqual(t, [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(0, 4.2), [0, 1, 2, 3, 4, 5]);
});
