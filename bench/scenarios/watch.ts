// Scenario 7, watch: one child restarted on changes under src/ with the same debounce (100 ms) in
// every tool that watches; the time from a file write to the restarted child's ready marker
// (median of 20), then the runs a burst of 1,000 file writes gives.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WORKLOADS } from '../lib/paths.js';
import { type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import { median, ms, ratio } from '../lib/stats.js';
import type { Tool } from '../lib/tools.js';

const DEBOUNCE_MS = 100;
const WRITES = 20;
const BURST = 1000;

interface Watched {
  readonly latencies: number[];
  readonly missed: number;
  readonly burstRuns: number | undefined;
}

// Waits until no marker came for `quietMs` (at most `limitMs`).
async function settle(markers: { count: number }, quietMs: number, limitMs: number): Promise<void> {
  const end = performance.now() + limitMs;
  let seen = markers.count;
  let since = performance.now();
  while (performance.now() < end) {
    await sleep(50);
    if (markers.count !== seen) {
      seen = markers.count;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) return;
  }
}

async function once(tool: Tool): Promise<Watched | undefined> {
  return withRun(`watch-${tool.name}`, async (ctx) => {
    const run = ctx.launch(tool, { children: [{ name: 'app', argv: [join(WORKLOADS, 'ready.sh'), ctx.markers.path] }], watchDebounceMs: DEBOUNCE_MS });
    if ((await ctx.markers.waitFor(1, 20_000)) === undefined) return undefined;
    await settle(ctx.markers, 1500, 5000);
    const latencies: number[] = [];
    let missed = 0;
    for (let i = 0; i < WRITES && missed < 3; i++) {
      const want = ctx.markers.count + 1;
      const t0 = performance.now();
      writeFileSync(join(ctx.dir, 'src', `file${i % 5}.txt`), `change ${i}\n`);
      const at = await ctx.markers.waitFor(want, 5000);
      if (at === undefined) missed++;
      else latencies.push(at - t0);
      await settle(ctx.markers, 400, 5000);
    }
    const before = ctx.markers.count;
    for (let i = 0; i < BURST; i++) writeFileSync(join(ctx.dir, 'src', `burst${i}.txt`), `${i}\n`);
    await settle(ctx.markers, 2500, 15_000);
    void run;
    return { latencies, missed, burstRuns: ctx.markers.count - before };
  });
}

export async function watchLatency(o: ScenarioOptions): Promise<Section> {
  const watchers = o.tools.filter((t) => !t.lacks?.watch);
  const results = new Map<string, Watched | undefined>();
  for (const tool of watchers) {
    const r = await once(tool);
    results.set(tool.name, r);
    o.log(`watch ${tool.name}: ${JSON.stringify(r && { median: median(r.latencies), missed: r.missed, burst: r.burstRuns })}`);
  }
  const procs = results.get(o.tools[0]?.name ?? '');
  const procsMedian = procs && median(procs.latencies);
  const rows = watchers.map((t) => {
    const r = results.get(t.name);
    if (r === undefined) return [t.name, 'did not start', '', '', '', ''];
    const m = median(r.latencies);
    return [t.name, ms(m), ratio(m, procsMedian), `${r.latencies.length} / ${WRITES}`, String(r.burstRuns ?? '–'), ''];
  });
  const others = o.tools.filter((t) => t.lacks?.watch).map((t) => t.name);
  const nodemonMedian = median(results.get('nodemon')?.latencies ?? []);
  const targets = [
    `Watch no slower than nodemon at the same debounce: procs ${ms(procsMedian)} vs nodemon ${ms(nodemonMedian)} — ${verdict(procsMedian !== undefined && (Number.isNaN(nodemonMedian) || procsMedian <= nodemonMedian))}`,
    `One run per burst of ${BURST} writes: procs ${procs?.burstRuns ?? '?'} — ${verdict(procs?.burstRuns === 1)}`,
  ];
  const body = [
    table(
      ['tool', 'write → restarted and ready (median)', '÷ procs', 'restarts seen', `runs after a burst of ${BURST}`, ''].slice(0, 5),
      rows.map((r) => r.slice(0, 5)),
    ),
    '',
    `Debounce ${DEBOUNCE_MS} ms everywhere (procs \`debounce\`, nodemon \`--delay\`, PM2 \`watch_delay\`). Each write goes to`,
    'one of five files under src/, then the harness waits until the tool has been quiet for 400 ms. Tools without',
    `file watching: ${others.join(', ') || 'none'}.`,
  ].join('\n');
  const samples = watchers.flatMap((t) => {
    const r = results.get(t.name);
    if (r === undefined) return [];
    return [
      { metric: `watch: write → restarted and ready (ms)`, tool: t.name, values: r.latencies, better: 'lower' as const },
      ...(r.burstRuns === undefined
        ? []
        : [{ metric: `watch: runs after a burst of ${BURST}`, tool: t.name, values: [r.burstRuns], better: 'lower' as const }]),
    ];
  });
  return { title: '7. Watch', body, targets, samples };
}
