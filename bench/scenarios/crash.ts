// Scenario 4, crash loop: one child that exits 1 at once, under each tool's default restart
// policy. Records when each start happened, for up to 20 restarts, 45 s, or until the tool gives
// up (it exits, or nothing starts for a while).
import { join } from 'node:path';
import { WORKLOADS } from '../lib/paths.js';
import { type Sample, type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import type { Tool } from '../lib/tools.js';

const RESTARTS = 20;
const LIMIT_MS = 45_000;

interface Loop {
  readonly intervals: number[];
  readonly toolExited: boolean;
}

// Runs the crash loop under one tool.
async function once(tool: Tool): Promise<Loop> {
  return withRun(`crash-${tool.name}`, async (ctx) => {
    const run = ctx.launch(tool, { children: [{ name: 'crash', argv: [join(WORKLOADS, 'crash.sh'), ctx.markers.path] }] });
    let exited = false;
    void run.exited.then(() => (exited = true));
    const deadline = run.started + LIMIT_MS;
    for (let want = 1; want <= RESTARTS + 1; want++) {
      const times = ctx.markers.times;
      const lastGap = times.length >= 2 ? (times.at(-1) ?? 0) - (times.at(-2) ?? 0) : 0;
      const quiet = Math.max(4000, 2.5 * lastGap);
      const wait = Math.min(quiet, deadline - performance.now());
      if (wait <= 0) break;
      const at = await Promise.race([ctx.markers.waitFor(want, wait), run.exited.then(() => undefined)]);
      if (at === undefined) break;
    }
    const t = ctx.markers.times;
    return { intervals: t.slice(1).map((x, i) => x - (t[i] ?? 0)), toolExited: exited };
  });
}

// Intervals as a short list: `250, 500, 1000 … ms`.
function shown(xs: readonly number[]): string {
  if (xs.length === 0) return '–';
  const r = xs.map((x) => (x >= 1000 ? `${(x / 1000).toFixed(1)}s` : `${Math.round(x)}ms`));
  return r.length > 8 ? `${r.slice(0, 6).join(', ')} … ${r.slice(-2).join(', ')}` : r.join(', ');
}

// Whether the intervals grow geometrically: each at least 1.5× the one before, for 3 or more.
function exponential(xs: readonly number[]): boolean {
  return xs.length >= 3 && xs.slice(1).every((x, i) => x >= 1.5 * (xs[i] ?? 0));
}

export async function crashLoop(o: ScenarioOptions): Promise<Section> {
  const rows: string[][] = [];
  const samples: Sample[] = [];
  let procsLoop: Loop | undefined;
  for (const tool of o.tools) {
    const loop = await once(tool);
    if (tool === o.tools[0]) procsLoop = loop;
    o.log(`crash ${tool.name}: ${shown(loop.intervals)}`);
    samples.push({ metric: 'crash loop, restarts seen', tool: tool.name, values: [loop.intervals.length], better: 'higher' });
    const span = loop.intervals.reduce((a, b) => a + b, 0);
    samples.push({ metric: 'crash loop, first start → last restart (ms)', tool: tool.name, values: [span], better: 'lower' });
    rows.push([
      tool.name,
      String(loop.intervals.length),
      shown(loop.intervals),
      exponential(loop.intervals) ? 'yes' : 'no',
      loop.toolExited ? 'exited' : 'kept running',
    ]);
  }
  const targets = [
    `Crash loop backs off exponentially by default: procs restart intervals ${shown(procsLoop?.intervals ?? [])} — ${verdict(exponential(procsLoop?.intervals ?? []))}`,
  ];
  const body = [
    table(['tool', 'restarts seen', 'intervals between starts', 'exponential', 'the tool then'], rows),
    '',
    "One child (`crash.sh`: a marker, then `exit 1`) under each tool's defaults; the run ends after 20 restarts, 45 s,",
    'when the tool exits, or when no start came for max(4 s, 2.5× the last interval) (the tool gave up).',
  ].join('\n');
  return { title: '4. Crash loop', body, targets, samples };
}
