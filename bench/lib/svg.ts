// A dependency-free SVG line chart for the results: panels side by side, each with axes, ticks,
// labels and one polyline per series; a legend shared by the panels (one colour per series name).

/** One line: its name (the legend) and its points, x ascending. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/** One panel: a title, axis labels, whether x is logarithmic, and its lines. */
export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logX?: boolean;
  readonly series: readonly Series[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22'];
const PANEL_W = 440;
const PANEL_H = 300;
const MARGIN = { left: 64, right: 16, top: 32, bottom: 48 };

/** Escapes text for an SVG text node or attribute. */
export function escapeXml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** A map from [lo, hi] onto [a, b], linear or logarithmic (log needs lo > 0). */
export function scale(lo: number, hi: number, a: number, b: number, log = false): (v: number) => number {
  const f = log ? Math.log10 : (v: number): number => v;
  const l = f(lo);
  const span = f(hi) - l || 1;
  return (v) => a + ((f(v) - l) / span) * (b - a);
}

/** Round tick values from at or below `lo` to at or above `hi`: about five steps of 1, 2 or 5 × 10^k. */
export function niceTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: number[] = [];
  const first = Math.floor(lo / step) * step;
  for (let i = 0; out.length === 0 || (out[out.length - 1] ?? hi) < hi - step * 1e-9; i++) out.push(Number((first + i * step).toPrecision(12)));
  return out;
}

/** Ticks for a log axis: the powers of ten in range and 1-2-5 between them when few. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++)
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** k;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  return out;
}

const label = (v: number): string => (Math.abs(v) >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : String(Number(v.toPrecision(3))));

// One panel at (ox, oy): frame, grid, ticks, labels and the lines.
function panelSvg(p: Panel, ox: number, oy: number, colour: (name: string) => string): string {
  const pts = p.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!p.logX || x > 0));
  const xs = pts.map(([x]) => x);
  const ys = pts.map(([, y]) => y);
  const x0 = xs.length > 0 ? Math.min(...xs) : 1;
  const x1 = xs.length > 0 ? Math.max(...xs) : 10;
  const yTicks = niceTicks(0, ys.length > 0 ? Math.max(...ys) : 1);
  const y1 = yTicks[yTicks.length - 1] ?? 1;
  const left = ox + MARGIN.left;
  const right = ox + PANEL_W - MARGIN.right;
  const top = oy + MARGIN.top;
  const bottom = oy + PANEL_H - MARGIN.bottom;
  const sx = scale(x0, x1, left, right, p.logX === true);
  const sy = scale(0, y1, bottom, top);
  const xTicks = p.logX === true ? logTicks(x0, x1) : niceTicks(x0, x1).filter((v) => v >= x0 && v <= x1);
  const f = (v: number): string => v.toFixed(1);
  const parts: string[] = [
    `<g class="panel">`,
    `<text x="${f((left + right) / 2)}" y="${f(oy + 20)}" text-anchor="middle" font-weight="bold">${escapeXml(p.title)}</text>`,
    `<rect x="${f(left)}" y="${f(top)}" width="${f(right - left)}" height="${f(bottom - top)}" fill="none" stroke="#444"/>`,
  ];
  for (const v of yTicks) {
    const y = sy(v);
    parts.push(`<line x1="${f(left)}" y1="${f(y)}" x2="${f(right)}" y2="${f(y)}" stroke="#ddd"/>`);
    parts.push(`<text x="${f(left - 6)}" y="${f(y + 4)}" text-anchor="end">${label(v)}</text>`);
  }
  for (const v of xTicks) {
    const x = sx(v);
    parts.push(`<line x1="${f(x)}" y1="${f(bottom)}" x2="${f(x)}" y2="${f(bottom + 5)}" stroke="#444"/>`);
    parts.push(`<text x="${f(x)}" y="${f(bottom + 18)}" text-anchor="middle">${label(v)}</text>`);
  }
  parts.push(`<text x="${f((left + right) / 2)}" y="${f(bottom + 38)}" text-anchor="middle">${escapeXml(p.xLabel)}</text>`);
  const ly = (top + bottom) / 2;
  parts.push(`<text x="${f(ox + 14)}" y="${f(ly)}" text-anchor="middle" transform="rotate(-90 ${f(ox + 14)} ${f(ly)})">${escapeXml(p.yLabel)}</text>`);
  for (const s of p.series) {
    const ok = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!p.logX || x > 0));
    if (ok.length === 0) continue;
    const c = colour(s.name);
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${ok.map(([x, y]) => `${f(sx(x))},${f(sy(y))}`).join(' ')}"/>`);
    for (const [x, y] of ok) parts.push(`<circle cx="${f(sx(x))}" cy="${f(sy(y))}" r="3" fill="${c}"/>`);
  }
  parts.push('</g>');
  return parts.join('\n');
}

/** An SVG document: the panels side by side and one legend under them for every series name. */
export function lineChart(panels: readonly Panel[]): string {
  const names = [...new Set(panels.flatMap((p) => p.series.map((s) => s.name)))];
  const colour = (name: string): string => PALETTE[names.indexOf(name) % PALETTE.length] ?? '#000';
  const width = PANEL_W * Math.max(1, panels.length);
  const perRow = Math.max(1, Math.floor(width / 180));
  const legendH = 20 * Math.ceil(names.length / perRow) + 10;
  const height = PANEL_H + legendH;
  const body = panels.map((p, i) => panelSvg(p, i * PANEL_W, 0, colour));
  const legend = names.map((n, i) => {
    const x = 20 + (i % perRow) * 180;
    const y = PANEL_H + 14 + 20 * Math.floor(i / perRow);
    return `<g class="legend"><line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" stroke="${colour(n)}" stroke-width="3"/><text x="${x + 30}" y="${y + 4}">${escapeXml(n)}</text></g>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...body,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
