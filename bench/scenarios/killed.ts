// Scenario 6, the tool killed: SIGKILL to the tool's main process while 10 children run (5 plain,
// 5 with a grandchild: 15 processes); how many processes of the run are alive 2 s later.
import { setTimeout as sleep } from 'node:timers/promises';
import { classify } from '../lib/procfs.js';
import { type Sample, type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import type { Tool } from '../lib/tools.js';
import { mixedChildren } from './shutdown.js';

interface Left {
  readonly workload: number;
  readonly wrappers: number;
  readonly tool: number;
}

// Starts, waits for every child, SIGKILLs the tool, counts after 2 s.
async function once(tool: Tool): Promise<Left | undefined> {
  return withRun(`killed-${tool.name}`, async (ctx) => {
    const children = mixedChildren(ctx.markers.path, 5, 0, 5);
    const run = ctx.launch(tool, { children });
    if ((await ctx.markers.waitFor(children.length, 20_000)) === undefined) return undefined;
    await sleep(300);
    // Helpers without the token (procs' spawner) are found as descendants while the tool lives.
    const helpers = classify(ctx.token, [run.child.pid ?? -1]).tool.map((p) => p.pid);
    run.child.kill('SIGKILL');
    await sleep(2000);
    const c = classify(ctx.token, helpers);
    return { workload: c.workload.length, wrappers: c.wrappers.length, tool: c.tool.length };
  });
}

export async function toolKilled(o: ScenarioOptions): Promise<Section> {
  const rows: string[][] = [];
  const samples: Sample[] = [];
  let procsLeft: Left | undefined;
  for (const tool of o.tools.filter((t) => !t.lacks?.many)) {
    const r = await once(tool);
    if (tool === o.tools[0]) procsLeft = r;
    o.log(`killed ${tool.name}: ${JSON.stringify(r)}`);
    if (r !== undefined)
      samples.push({ metric: 'tool killed: processes alive 2 s later', tool: tool.name, values: [r.workload + r.wrappers + r.tool], better: 'lower' });
    rows.push(r === undefined ? [tool.name, 'children not ready', '', ''] : [tool.name, `${r.workload} of 15`, String(r.wrappers), String(r.tool)]);
  }
  const targets = [
    `Killed with SIGKILL, nothing survives: procs left ${procsLeft?.workload ?? '?'} of 15 children and grandchildren, ${procsLeft?.tool ?? '?'} of its own — ${verdict(procsLeft?.workload === 0 && procsLeft.wrappers === 0 && procsLeft.tool === 0)}`,
  ];
  const body = [
    table(['tool', 'children and grandchildren alive 2 s later', 'their `sh -c` wrappers alive', 'tool processes alive'], rows),
    '',
    '10 children (5 `ready.sh`, 5 `grandchild.sh`), then SIGKILL to the process the user started (pm2-runtime, which',
    'hosts the PM2 daemon; supervisord; the node process of the npm tools; ruby for foreman; procs).',
  ].join('\n');
  return { title: '6. Tool killed', body, targets, samples };
}
