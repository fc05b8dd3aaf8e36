// Scenario 1, start latency and how it scales: from launching the tool until all N children have
// written their ready marker, for N = 10 … 3,000, and the tool's own memory at that moment; rounds
// interleave the tools so they share the machine's mood. Also draws start-scale.svg.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classify, memoryKiB } from '../lib/procfs.js';
import { WORKLOADS } from '../lib/paths.js';
import { type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import { median, ms, ratio } from '../lib/stats.js';
import { lineChart } from '../lib/svg.js';
import { nodeSpawn, shell, type Tool } from '../lib/tools.js';

/** The sizes; BENCH_START_SIZES=10,1000 picks others (a quicker `--compare`). */
const SIZES = (process.env.BENCH_START_SIZES ?? '10,100,300,1000,3000').split(',').map(Number);
/** The whole scenario's time, shared out between the sizes by their N (round 1 always runs). */
const BUDGET_MS = 180_000;
/** A tool whose median at one size took longer than this is not run at the larger ones. */
const SLOW_MS = 20_000;
const timeoutMs = (n: number): number => Math.max(20_000, 40 * n);
/** Memory per unit counts as flat when the figure at the largest N is within this of the one before. */
const FLAT = 1.5;

interface Once {
  readonly ms: number;
  /** The tool's own processes' RSS summed when the last child was ready, KiB. */
  readonly rssKiB: number;
}

// One start of `tool` with `n` children, or undefined when not all became ready.
async function once(tool: Tool, n: number): Promise<Once | undefined> {
  return withRun(`start-${tool.name}-${n}`, async (ctx) => {
    const children = Array.from({ length: n }, (_, i) => ({ name: `c${i}`, argv: [join(WORKLOADS, 'ready.sh'), ctx.markers.path] }));
    const run = ctx.launch(tool, { children });
    const at = await ctx.markers.waitFor(n, timeoutMs(n));
    if (at === undefined) return undefined;
    const own = classify(ctx.token, [run.child.pid ?? -1]).tool;
    return { ms: at - run.started, rssKiB: own.reduce((sum, p) => sum + memoryKiB(p.pid).rss, 0) };
  });
}

/** The least-squares slope of y over x (undefined with fewer than two distinct x). */
export function slope(points: readonly (readonly [number, number])[]): number | undefined {
  if (points.length < 2) return undefined;
  const mx = points.reduce((s, [x]) => s + x, 0) / points.length;
  const my = points.reduce((s, [, y]) => s + y, 0) / points.length;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? undefined : points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
}

// The open-files limit this harness (and so every tool) runs under: soft and hard.
function openFilesLimit(): string {
  try {
    const row = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'latin1'));
    return row ? `${row[1]} (hard ${row[2]})` : 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function startLatency(o: ScenarioOptions): Promise<Section> {
  const tools = [shell, nodeSpawn, ...o.tools.filter((t) => !t.lacks?.many)];
  const runs = new Map<string, Once[]>();
  const failed = new Map<string, number>();
  const skipped = new Map<string, string>();
  const began = performance.now();
  const weight = SIZES.map((n) => n + 100);
  const total = weight.reduce((a, b) => a + b, 0);
  const key = (t: Tool, n: number): string => `${t.name}@${n}`;
  const med = (t: Tool, n: number, f: (r: Once) => number = (r) => r.ms): number | undefined => {
    const xs = runs.get(key(t, n));
    return xs === undefined || xs.length === 0 ? undefined : median(xs.map(f));
  };
  for (const [i, n] of SIZES.entries()) {
    const until = began + (BUDGET_MS * weight.slice(0, i + 1).reduce((a, b) => a + b, 0)) / total;
    const smaller = SIZES.slice(0, i);
    for (const t of tools) {
      const bad = smaller.find((m) => (failed.get(key(t, m)) ?? 0) > 0 || (med(t, m) ?? 0) > SLOW_MS);
      if (bad !== undefined) skipped.set(key(t, n), `not run (too slow or failed at N=${bad})`);
    }
    for (let round = 0; round < o.reps && (round === 0 || performance.now() < until); round++) {
      for (const t of tools) {
        const k = key(t, n);
        if (skipped.has(k) || (failed.get(k) ?? 0) >= 2) continue;
        const r = await once(t, n);
        if (r === undefined) failed.set(k, (failed.get(k) ?? 0) + 1);
        else runs.set(k, [...(runs.get(k) ?? []), r]);
        o.log(`start ${k}: ${ms(r?.ms)}${r ? `, RSS ${(r.rssKiB / 1024).toFixed(1)} MiB` : ''}`);
      }
    }
  }
  const cell = (t: Tool, n: number, text: (m: number) => string, f?: (r: Once) => number): string => {
    const m = med(t, n, f);
    if (m !== undefined) return text(m);
    return skipped.get(key(t, n)) ?? ((failed.get(key(t, n)) ?? 0) > 0 ? `not ready in ${timeoutMs(n) / 1000} s` : '–');
  };
  const rss = (r: Once): number => r.rssKiB;
  const timeSlope = (t: Tool): number | undefined =>
    slope(SIZES.filter((n) => n >= 100).flatMap((n) => (med(t, n) === undefined ? [] : [[n, med(t, n) ?? 0] as const])));
  const perUnit = (t: Tool, n: number): number | undefined => {
    const a = med(t, 10, rss);
    const b = med(t, n, rss);
    return a === undefined || b === undefined ? undefined : (b - a) / (n - 10);
  };
  const kib = (x: number | undefined): string => (x === undefined ? '–' : `${x.toFixed(1)} KiB`);
  const procsTool = o.tools[0];
  const name = (t: Tool): string => (t.baseline ? `${t.name} (baseline)` : t.name);
  const shSlope = timeSlope(shell);
  const timeRows = tools.map((t) => [
    name(t),
    ...SIZES.flatMap((n) => [cell(t, n, ms), ratio(med(t, n), med(shell, n))]),
    timeSlope(t) === undefined ? '–' : `${(timeSlope(t) ?? 0).toFixed(2)} ms`,
    ratio(timeSlope(t), shSlope),
  ]);
  const memRows = tools.map((t) => [
    name(t),
    ...SIZES.map((n) => cell(t, n, (m) => `${(m / 1024).toFixed(1)} MiB`, rss)),
    kib(perUnit(t, 1000)),
    kib(perUnit(t, 3000)),
  ]);
  const flatAt = [...SIZES].reverse().filter((n) => procsTool !== undefined && n > 10 && perUnit(procsTool, n) !== undefined);
  const [hi, lo] = flatAt;
  const puHi = procsTool && hi !== undefined ? perUnit(procsTool, hi) : undefined;
  const puLo = procsTool && lo !== undefined ? perUnit(procsTool, lo) : undefined;
  const p = (n: number): number | undefined => (procsTool ? med(procsTool, n) : undefined);
  const sh = (n: number): number | undefined => med(shell, n);
  const pSlope = procsTool ? timeSlope(procsTool) : undefined;
  const within = (a: number | undefined, b: number | undefined, f: number): boolean => a !== undefined && b !== undefined && a <= f * b;
  const targets = [
    `Start, N=300, within 1.3× of the shell loop: procs ${ms(p(300))} / sh ${ms(sh(300))} = ${ratio(p(300), sh(300))} — ${verdict(within(p(300), sh(300), 1.3))}`,
    `Start, per-unit slope (least squares over N ≥ 100) within 1.3× of the shell loop's: procs ${pSlope?.toFixed(2) ?? '–'} ms / sh ${shSlope?.toFixed(2) ?? '–'} ms = ${ratio(pSlope, shSlope)} — ${verdict(within(pSlope, shSlope, 1.3))}` +
      ` (N=1,000: ${ratio(p(1000), sh(1000))}, N=3,000: ${ratio(p(3000), sh(3000))} of sh)`,
    `Start, procs' own memory per unit flat (RSS over that at N=10, per unit, at N=${hi ?? '–'} within ${FLAT}× of at N=${lo ?? '–'}): ${kib(puHi)} / ${kib(puLo)} = ${ratio(puHi, puLo)} — ${verdict(puLo !== undefined && puHi !== undefined && puHi <= FLAT * Math.max(puLo, 1))}`,
    `Start, N=300, within 5% of Node's own spawn loop: procs ${ms(p(300))} / node ${ms(med(nodeSpawn, 300))} = ${ratio(p(300), med(nodeSpawn, 300))} — ${verdict(within(p(300), med(nodeSpawn, 300), 1.05))}`,
  ];
  const svg = lineChart([
    {
      title: 'Start: launch to all ready',
      xLabel: 'N (children)',
      yLabel: 'median time (s)',
      logX: true,
      series: tools.map((t) => ({ name: t.name, points: SIZES.flatMap((n) => (med(t, n) === undefined ? [] : [[n, (med(t, n) ?? 0) / 1000] as const])) })),
    },
    {
      title: "The tool's own RSS when all are ready",
      xLabel: 'N (children)',
      yLabel: 'RSS (MiB)',
      logX: true,
      series: tools.map((t) => ({
        name: t.name,
        points: SIZES.flatMap((n) => (med(t, n, rss) === undefined ? [] : [[n, (med(t, n, rss) ?? 0) / 1024] as const])),
      })),
    },
  ]);
  const body = [
    '![start time and RSS against N](start-scale.svg)',
    '',
    table(['tool', ...SIZES.flatMap((n) => [`N=${n}`, '÷ sh']), 'per unit (slope)', '÷ sh'], timeRows),
    '',
    'Median time from launching the tool until every child has appended its ready marker to a FIFO',
    '(`workloads/ready.sh`: one `printf`, then `exec sleep`). "÷ sh" is the tool\'s median over the shell loop\'s',
    'in the same rounds (above 1 = slower than the shell). "per unit" is the least-squares slope of the medians over',
    'N ≥ 100: the cost of one more child. Each run is killed, by its token, before the next.',
    '',
    table(['tool', ...SIZES.map((n) => `RSS, N=${n}`), 'per unit at 1,000', 'per unit at 3,000'], memRows),
    '',
    "The tool's own processes' RSS, summed, read the moment the last child was ready: not the children, not a",
    "per-child `sh -c` wrapper (procs' spawner is counted: it is procs'). Per unit: (RSS at N − RSS at N=10) / (N − 10).",
    `"Flat" means the per-unit figure at the largest N is within ${FLAT}× of the one at the size below it.`,
    `Runs get ${timeoutMs(3000) / 1000} s at N=3,000 (40 s at N=1,000, 20 s below); a tool that failed or took over ${SLOW_MS / 1000} s at a size is not run at larger ones;`,
    `the scenario shares out ${BUDGET_MS / 1000} s between the sizes (round 1 always runs). Open files limit: ${openFilesLimit()}.`,
  ].join('\n');
  const samples = o.tools.flatMap((t) =>
    SIZES.flatMap((n) => [
      { metric: `start, N=${n} (ms)`, tool: t.name, values: (runs.get(key(t, n)) ?? []).map((r) => r.ms), better: 'lower' as const },
      { metric: `start RSS, N=${n} (MiB)`, tool: t.name, values: (runs.get(key(t, n)) ?? []).map((r) => r.rssKiB / 1024), better: 'lower' as const },
    ]),
  );
  return { title: '1. Start latency and scale', body, targets, samples, files: [{ name: 'start-scale.svg', text: svg }] };
}
