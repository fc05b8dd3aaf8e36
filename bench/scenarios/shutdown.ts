// Scenario 5, shutdown: 50 children (30 plain, 10 ignoring SIGTERM, 10 with a grandchild); the tool
// is asked to stop the way its user would; how long until it has exited, and how many processes
// of the run are left 15 s after the request.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WORKLOADS } from '../lib/paths.js';
import { type Classified, classify } from '../lib/procfs.js';
import { type Sample, type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import { ms } from '../lib/stats.js';
import type { ChildSpec, Tool } from '../lib/tools.js';

const WINDOW_MS = 15_000;

interface Stop {
  readonly exitMs: number | undefined;
  readonly left: number;
  readonly leftTool: number;
  readonly workload: number;
}

/** The 50 children, writing their markers to `fifo`. */
export function mixedChildren(fifo: string, plain: number, ignoring: number, parents: number): ChildSpec[] {
  const mk = (kind: string, n: number): ChildSpec[] =>
    Array.from({ length: n }, (_, i) => ({ name: `${kind.replace('.sh', '').replace('-', '')}${i}`, argv: [join(WORKLOADS, kind), fifo] }));
  return [...mk('ready.sh', plain), ...mk('ignore-term.sh', ignoring), ...mk('grandchild.sh', parents)];
}

// Starts, waits for every child, asks the tool to stop, and counts what is left.
async function once(tool: Tool): Promise<Stop | undefined> {
  return withRun(`shutdown-${tool.name}`, async (ctx) => {
    const children = mixedChildren(ctx.markers.path, 30, 10, 10);
    const run = ctx.launch(tool, { children });
    if ((await ctx.markers.waitFor(children.length, 20_000)) === undefined) return undefined;
    await sleep(300);
    const t0 = performance.now();
    let exitMs: number | undefined;
    void run.exited.then(() => (exitMs = performance.now() - t0));
    const helpers = classify(ctx.token, [run.child.pid ?? -1]).tool.map((p) => p.pid);
    run.stop();
    const left = (): Classified => classify(ctx.token, helpers);
    while (performance.now() - t0 < WINDOW_MS) {
      const c = left();
      if (exitMs !== undefined && c.workload.length + c.wrappers.length + c.tool.length === 0) break;
      await sleep(50);
    }
    const c = left();
    return { exitMs, left: c.workload.length + c.wrappers.length + c.tool.length, leftTool: c.tool.length, workload: c.workload.length };
  });
}

export async function shutdown(o: ScenarioOptions): Promise<Section> {
  const rows: string[][] = [];
  const samples: Sample[] = [];
  let procsStop: Stop | undefined;
  for (const tool of o.tools.filter((t) => !t.lacks?.many)) {
    const r = await once(tool);
    if (tool === o.tools[0]) procsStop = r;
    o.log(`shutdown ${tool.name}: ${JSON.stringify(r)}`);
    if (r?.exitMs !== undefined)
      samples.push({ metric: 'shutdown, 50 children: until the tool exited (ms)', tool: tool.name, values: [r.exitMs], better: 'lower' });
    if (r !== undefined) samples.push({ metric: 'shutdown, 50 children: processes left after 15 s', tool: tool.name, values: [r.left], better: 'lower' });
    rows.push(
      r === undefined
        ? [tool.name, 'children not ready', '', '', '']
        : [tool.name, r.exitMs === undefined ? 'still running at 15 s' : ms(r.exitMs), String(r.left), `${r.workload} of 60`, String(r.leftTool)],
    );
  }
  const targets = [
    `Shutdown leaves nothing: procs left ${procsStop?.left ?? '?'} processes after 15 s (exited after ${ms(procsStop?.exitMs)}) — ${verdict(procsStop?.left === 0)}`,
  ];
  const body = [
    table(['tool', 'time until the tool exited', 'processes left after 15 s', 'of which workload', "of which the tool's own"], rows),
    '',
    '50 children: 30 `ready.sh`, 10 `ignore-term.sh` (SIGTERM ignored), 10 `grandchild.sh` (a `sleep` grandchild in the',
    "background). Stopped with SIGINT (Ctrl-C) — SIGTERM for supervisord, its documented stop — under each tool's",
    'default stop timeout. The ignoring children can only go by SIGKILL, so the exit time mostly shows that timeout.',
  ].join('\n');
  return { title: '5. Shutdown', body, targets, samples };
}
