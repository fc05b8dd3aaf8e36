// Scenario 2, idle cost: with 100 children running, the CPU time the tool's own processes use over
// 10 s, and their memory (RSS summed, and PSS, which shares common pages fairly between them).
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { classify, cpuNs, memoryKiB, TOKEN_VAR } from '../lib/procfs.js';
import { WORKLOADS } from '../lib/paths.js';
import { type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import { ratio } from '../lib/stats.js';
import { nodeSpawn, type Tool } from '../lib/tools.js';

const CHILDREN = 100;
const WINDOW_MS = 10_000;

interface Idle {
  readonly cpuPct: number;
  readonly rssMiB: number;
  readonly pssMiB: number;
  readonly processes: number;
  readonly wrappers: number;
}

/** A bare Node process doing nothing: the memory baseline. */
const bareNode: Tool = {
  name: 'bare node',
  baseline: true,
  missing: () => undefined,
  launch(o) {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], {
      cwd: o.dir,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [TOKEN_VAR]: o.token },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { child, started, exited, stop: () => child.kill('SIGTERM'), chatter: () => '' };
  },
};

// Measures one tool over the window once its children are all ready.
async function measure(tool: Tool, children: number): Promise<Idle | undefined> {
  return withRun(`idle-${tool.name}`, async (ctx) => {
    const specs = Array.from({ length: children }, (_, i) => ({ name: `c${i}`, argv: [join(WORKLOADS, 'ready.sh'), ctx.markers.path] }));
    const run = ctx.launch(tool, { children: specs });
    if (children > 0 && (await ctx.markers.waitFor(children, 20_000)) === undefined) return undefined;
    await sleep(1500);
    const { tool: own, wrappers } = classify(ctx.token, [run.child.pid ?? -1]);
    const before = own.map((p) => cpuNs(p.pid));
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const elapsed = performance.now() - t0;
    const used = own.reduce((n, p, i) => n + Math.max(0, cpuNs(p.pid) - (before[i] ?? 0)), 0);
    const mem = own.map((p) => memoryKiB(p.pid));
    return {
      cpuPct: (used / 1e6 / elapsed) * 100,
      rssMiB: mem.reduce((n, m) => n + m.rss, 0) / 1024,
      pssMiB: mem.reduce((n, m) => n + m.pss, 0) / 1024,
      processes: own.length,
      wrappers: wrappers.length,
    };
  });
}

export async function idleCost(o: ScenarioOptions): Promise<Section> {
  const results = new Map<string, Idle | undefined>();
  results.set(bareNode.name, await measure(bareNode, 0));
  // The least a Node supervisor holds: a loop of child_process.spawn with the same 100 children.
  results.set(nodeSpawn.name, await measure(nodeSpawn, CHILDREN));
  for (const tool of o.tools.filter((t) => !t.lacks?.many)) {
    const r = await measure(tool, CHILDREN);
    results.set(tool.name, r);
    o.log(`idle ${tool.name}: ${JSON.stringify(r)}`);
  }
  const base = results.get(bareNode.name);
  const procs = results.get(o.tools[0]?.name ?? '');
  const floor = results.get(nodeSpawn.name);
  const rows = [bareNode, nodeSpawn, ...o.tools.filter((t) => !t.lacks?.many)].map((t) => {
    const r = results.get(t.name);
    if (r === undefined) return [t.name, 'children not ready', '', '', '', '', ''];
    return [
      t === bareNode ? `${t.name} (baseline, no children)` : t.baseline ? `${t.name} (baseline: a bare spawn loop)` : t.name,
      `${r.cpuPct.toFixed(3)} %`,
      `${r.rssMiB.toFixed(1)} MiB`,
      `${r.pssMiB.toFixed(1)} MiB`,
      ratio(r.pssMiB, procs?.pssMiB),
      String(r.processes),
      String(r.wrappers),
    ];
  });
  const targets =
    procs && base
      ? [
          `Idle CPU under 0.1% of one core: procs ${procs.cpuPct.toFixed(3)} % — ${verdict(procs.cpuPct < 0.1)}`,
          `Idle memory within 1.2× of a bare Node process: procs RSS ${procs.rssMiB.toFixed(1)} MiB / ${base.rssMiB.toFixed(1)} MiB = ${ratio(procs.rssMiB, base.rssMiB)} (PSS ${ratio(procs.pssMiB, base.pssMiB)}) — ${verdict(procs.rssMiB <= 1.2 * base.rssMiB)}`,
          ...(floor
            ? [
                `(Context, not a target: a bare loop of Node's child_process.spawn holding the same ${CHILDREN} children has RSS ${floor.rssMiB.toFixed(1)} MiB = ${ratio(floor.rssMiB, base.rssMiB)} of bare node; procs is ${ratio(procs.rssMiB, floor.rssMiB)} of it)`,
              ]
            : []),
          `No per-child shell wrapper: procs has ${procs.wrappers} — ${verdict(procs.wrappers === 0)}`,
        ]
      : ['Idle: procs not measured'];
  const body = [
    table(['tool', 'CPU over 10 s (% of one core)', 'RSS (sum)', 'PSS (sum)', 'PSS ÷ procs', 'own processes', 'shell wrappers'], rows),
    '',
    `${CHILDREN} children (\`ready.sh\`, which becomes \`sleep\`), measured 1.5 s after the last one was ready.`,
    'The spawn-loop baseline is a Node process doing nothing but start the same children and read their output: the least a Node-based tool holds.',
    "The tool's own processes are every process of the run except the children and the shells wrapping them",
    '(counted apart: a `sh -c` parent per child). CPU comes from schedstat (nanoseconds, all threads).',
    "RSS counts the pages shared between a tool's processes once per process; PSS divides them fairly.",
  ].join('\n');
  const samples = o.tools.flatMap((t) => {
    const r = results.get(t.name);
    if (r === undefined) return [];
    return [
      { metric: `idle CPU, ${CHILDREN} children (% of a core)`, tool: t.name, values: [r.cpuPct], better: 'lower' as const },
      { metric: `idle RSS, ${CHILDREN} children (MiB)`, tool: t.name, values: [r.rssMiB], better: 'lower' as const },
      { metric: `idle PSS, ${CHILDREN} children (MiB)`, tool: t.name, values: [r.pssMiB], better: 'lower' as const },
    ];
  });
  return { title: '2. Idle cost', body, targets, samples };
}
