// Scenario 1, start latency: from launching the tool until all N children have written their
// ready marker, for N = 10, 100, 300; rounds interleave the tools so they share the machine's mood.
import { join } from 'node:path';
import { median, ms, ratio } from '../lib/stats.js';
import { WORKLOADS } from '../lib/paths.js';
import { type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import { nodeSpawn, shell, type Tool } from '../lib/tools.js';

const SIZES = [10, 100, 300];
const BUDGET_MS = 100_000;
const TIMEOUT_MS = 20_000;

// One start of `tool` with `n` children: the latency, or undefined when not all became ready.
async function once(tool: Tool, n: number): Promise<number | undefined> {
  return withRun(`start-${tool.name}-${n}`, async (ctx) => {
    const children = Array.from({ length: n }, (_, i) => ({ name: `c${i}`, argv: [join(WORKLOADS, 'ready.sh'), ctx.markers.path] }));
    const run = ctx.launch(tool, { children });
    const at = await ctx.markers.waitFor(n, TIMEOUT_MS);
    return at === undefined ? undefined : at - run.started;
  });
}

export async function startLatency(o: ScenarioOptions): Promise<Section> {
  const tools = [shell, nodeSpawn, ...o.tools.filter((t) => !t.lacks?.many)];
  const times = new Map<string, number[]>();
  const failed = new Map<string, number>();
  const began = performance.now();
  for (const n of SIZES) {
    const until = began + (BUDGET_MS * (SIZES.indexOf(n) + 1)) / SIZES.length;
    for (let round = 0; round < o.reps && performance.now() < until; round++) {
      for (const tool of tools) {
        const key = `${tool.name}@${n}`;
        if ((failed.get(key) ?? 0) >= 2) continue;
        const t = await once(tool, n);
        if (t === undefined) failed.set(key, (failed.get(key) ?? 0) + 1);
        else times.set(key, [...(times.get(key) ?? []), t]);
        o.log(`start ${key}: ${ms(t)}`);
      }
    }
  }
  const med = (tool: Tool, n: number): number | undefined => {
    const xs = times.get(`${tool.name}@${n}`);
    return xs === undefined ? undefined : median(xs);
  };
  const procsTool = o.tools[0];
  const rows = tools.map((t) => [
    t.baseline ? `${t.name} (baseline)` : t.name,
    ...SIZES.flatMap((n) => {
      const m = med(t, n);
      const note = m === undefined && (failed.get(`${t.name}@${n}`) ?? 0) > 0 ? `not ready in ${TIMEOUT_MS / 1000} s` : ms(m);
      return [note, procsTool ? ratio(m, med(procsTool, n)) : '–'];
    }),
    String(times.get(`${t.name}@300`)?.length ?? 0),
  ]);
  const head = ['tool', ...SIZES.flatMap((n) => [`N=${n}`, `÷ procs`]), 'runs at 300'];
  const p300 = procsTool ? med(procsTool, 300) : undefined;
  const sh300 = med(shell, 300);
  const node300 = med(nodeSpawn, 300);
  const targets = [
    `Start, N=300, within 1.3× of the shell loop: procs ${ms(p300)} / sh ${ms(sh300)} = ${ratio(p300, sh300)} — ${verdict(p300 !== undefined && sh300 !== undefined && p300 <= 1.3 * sh300)}`,
    `Start, N=300, within 5% of Node's own spawn loop: procs ${ms(p300)} / node ${ms(node300)} = ${ratio(p300, node300)} — ${verdict(p300 !== undefined && node300 !== undefined && p300 <= 1.05 * node300)}`,
  ];
  const body = [
    table(head, rows),
    '',
    'Median time from launching the tool until every child has appended its ready marker to a FIFO',
    '(`workloads/ready.sh`: one `printf`, then `exec sleep`). "÷ procs" is the tool\'s median over procs\'',
    'median in the same rounds (above 1 = slower than procs). Each run is killed, by its token, before the next.',
  ].join('\n');
  const samples = o.tools.flatMap((t) =>
    SIZES.map((n) => ({ metric: `start, N=${n} (ms)`, tool: t.name, values: times.get(`${t.name}@${n}`) ?? [], better: 'lower' as const })),
  );
  return { title: '1. Start latency', body, targets, samples };
}
