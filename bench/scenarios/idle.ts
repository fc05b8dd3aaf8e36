// Scenario 2, idle cost: with 100 children running, the CPU time the tool's own processes use over
// two windows of 10 s (the second is the steady figure), and their memory (RSS summed, and PSS,
// which shares common pages fairly between them), read twice: 1.5 s after the last child was ready
// and again at the end of the second window (the steady figure, what a user lives with). procs runs twice: in the foreground (`up`) and as a daemon
// (`up -d`, the processes of the daemon it leaves behind).
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { classify, cpuNs, memoryKiB, TOKEN_VAR } from '../lib/procfs.js';
import { WORKLOADS } from '../lib/paths.js';
import { type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import { ratio } from '../lib/stats.js';
import { nodeSpawn, start, type Tool, writeProcsSpec } from '../lib/tools.js';

const CHILDREN = 100;
const SETTLE_MS = 1500;
const WINDOW_MS = 10_000;
/** procs' RSS and PSS against the spawn loop's, at the steady reading. */
const MEMORY_TARGET = 1.2;

interface Memory {
  readonly rssMiB: number;
  readonly pssMiB: number;
}

interface Idle {
  /** CPU over the first 10 s window, from 1.5 s after ready: one-time work after the start counts here. */
  readonly cpuFirstPct: number;
  /** CPU over the next 10 s: the steady figure the target uses. */
  readonly cpuPct: number;
  /** 1.5 s after ready. */
  readonly early: Memory;
  /** At the end of the second window, 21.5 s after ready: the figure the targets use. */
  readonly steady: Memory;
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

/**
 * procs (or a build of it under --compare) as a daemon: `up -d` returns once started, and the
 * daemon it leaves carries the run's token like the rest, so the run finds and ends it.
 */
function daemonOf(tool: Tool & { main: string }): Tool {
  return {
    name: `${tool.name} (up -d)`,
    main: tool.main,
    missing: () => tool.missing(),
    launch(o) {
      writeProcsSpec(o);
      return start(process.execPath, [tool.main, 'up', '-d', '--no-color'], o, 'SIGTERM');
    },
  };
}

const sumMemory = (pids: readonly number[]): Memory => {
  const mem = pids.map((pid) => memoryKiB(pid));
  return { rssMiB: mem.reduce((n, m) => n + m.rss, 0) / 1024, pssMiB: mem.reduce((n, m) => n + m.pss, 0) / 1024 };
};

// The CPU the processes use over one window, in % of one core.
async function cpuOver(pids: readonly number[]): Promise<number> {
  const before = pids.map((pid) => cpuNs(pid));
  const t0 = performance.now();
  await sleep(WINDOW_MS);
  const elapsed = performance.now() - t0;
  const used = pids.reduce((n, pid, i) => n + Math.max(0, cpuNs(pid) - (before[i] ?? 0)), 0);
  return (used / 1e6 / elapsed) * 100;
}

// Measures one tool over two windows once its children are all ready.
async function measure(tool: Tool, children: number): Promise<Idle | undefined> {
  return withRun(`idle-${tool.name}`, async (ctx) => {
    const specs = Array.from({ length: children }, (_, i) => ({ name: `c${i}`, argv: [join(WORKLOADS, 'ready.sh'), ctx.markers.path] }));
    const run = ctx.launch(tool, { children: specs });
    if (children > 0 && (await ctx.markers.waitFor(children, 30_000)) === undefined) return undefined;
    await sleep(SETTLE_MS);
    const { tool: own, wrappers } = classify(ctx.token, [run.child.pid ?? -1]);
    const pids = own.map((p) => p.pid);
    const early = sumMemory(pids);
    const cpuFirstPct = await cpuOver(pids);
    const cpuPct = await cpuOver(pids);
    return { cpuFirstPct, cpuPct, early, steady: sumMemory(pids), processes: own.length, wrappers: wrappers.length };
  });
}

const mib = (x: number): string => `${x.toFixed(1)} MiB`;

// The target lines for one procs variant against the spawn loop.
function targetLines(name: string, r: Idle | undefined, floor: Idle | undefined): string[] {
  if (r === undefined) return [`Idle ${name}: children not ready`];
  const lines = [
    `Idle CPU under 0.1% of one core, ${name}: ${r.cpuPct.toFixed(3)} % over the second 10 s (the first 10 s, with the one heap trim after the start: ${r.cpuFirstPct.toFixed(3)} %) — ${verdict(r.cpuPct < 0.1)}`,
  ];
  if (floor) {
    const rss = r.steady.rssMiB / floor.steady.rssMiB;
    const pss = r.steady.pssMiB / floor.steady.pssMiB;
    lines.push(
      `Idle memory within ${MEMORY_TARGET}× of a Node spawn loop holding the same ${CHILDREN} children, ${name} (steady, at ${(SETTLE_MS + 2 * WINDOW_MS) / 1000} s): ` +
        `RSS ${mib(r.steady.rssMiB)} / ${mib(floor.steady.rssMiB)} = ${rss.toFixed(2)}×, PSS ${mib(r.steady.pssMiB)} / ${mib(floor.steady.pssMiB)} = ${pss.toFixed(2)}× — ` +
        `${verdict(rss <= MEMORY_TARGET && pss <= MEMORY_TARGET)} (at ${SETTLE_MS / 1000} s: RSS ${ratio(r.early.rssMiB, floor.early.rssMiB)}, PSS ${ratio(r.early.pssMiB, floor.early.pssMiB)})`,
    );
  }
  lines.push(`No per-child shell wrapper, ${name}: ${r.wrappers} — ${verdict(r.wrappers === 0)}`);
  return lines;
}

export async function idleCost(o: ScenarioOptions): Promise<Section> {
  const results = new Map<string, Idle | undefined>();
  results.set(bareNode.name, await measure(bareNode, 0));
  // The least a Node supervisor holds: a loop of child_process.spawn with the same 100 children.
  results.set(nodeSpawn.name, await measure(nodeSpawn, CHILDREN));
  // Each procs (this tree and, under --compare, the other build) in the foreground and as a daemon.
  const procsLike = o.tools.filter((t): t is Tool & { main: string } => t.main !== undefined);
  const daemons = procsLike.map(daemonOf);
  const tools = [...o.tools.filter((t) => !t.lacks?.many), ...daemons];
  for (const tool of tools) {
    const r = await measure(tool, CHILDREN);
    results.set(tool.name, r);
    o.log(`idle ${tool.name}: ${JSON.stringify(r)}`);
  }
  const base = results.get(bareNode.name);
  const floor = results.get(nodeSpawn.name);
  const procsName = o.tools[0]?.name ?? '';
  const procs = results.get(procsName);
  const rows = [bareNode, nodeSpawn, ...tools].map((t) => {
    const r = results.get(t.name);
    if (r === undefined) return [t.name, 'children not ready', '', '', '', '', '', '', '', ''];
    return [
      t === bareNode ? `${t.name} (baseline, no children)` : t.baseline ? `${t.name} (baseline: a bare spawn loop)` : t.name,
      `${r.cpuFirstPct.toFixed(3)} %`,
      `${r.cpuPct.toFixed(3)} %`,
      mib(r.early.rssMiB),
      mib(r.steady.rssMiB),
      mib(r.steady.pssMiB),
      ratio(r.steady.rssMiB, floor?.steady.rssMiB),
      ratio(r.steady.pssMiB, floor?.steady.pssMiB),
      String(r.processes),
      String(r.wrappers),
    ];
  });
  const targets = [
    ...[procsName, daemons[0]?.name ?? ''].flatMap((name) => targetLines(name, results.get(name), floor)),
    ...(procs && base ? [`(Context: procs is ${ratio(procs.steady.rssMiB, base.steady.rssMiB)} of a bare Node process with a timer, RSS)`] : []),
  ];
  const body = [
    table(
      [
        'tool',
        'CPU, first 10 s (% of one core)',
        'CPU, next 10 s',
        `RSS at ${SETTLE_MS / 1000} s`,
        'RSS steady',
        'PSS steady',
        'RSS ÷ spawn loop',
        'PSS ÷ spawn loop',
        'own processes',
        'shell wrappers',
      ],
      rows,
    ),
    '',
    `${CHILDREN} children (\`ready.sh\`, which becomes \`sleep\`). Memory is read ${SETTLE_MS / 1000} s after the last one was ready and again`,
    `${(SETTLE_MS + 2 * WINDOW_MS) / 1000} s after (steady: the figure the targets use); CPU over the two 10 s windows between (the second is the target's:`,
    'procs trims its heap once, soon after the start, and V8 follows that with a collection of its own about 8 s later, in the first).',
    'The spawn-loop baseline is a Node process doing nothing but start the same children and read their output: the least a Node-based tool holds.',
    "The tool's own processes are every process of the run except the children and the shells wrapping them",
    "(counted apart: a `sh -c` parent per child); for procs that includes its spawner. `up -d` is procs' daemon, measured the same way.",
    'CPU comes from schedstat (nanoseconds, all threads).',
    "RSS counts the pages shared between a tool's processes once per process; PSS divides them fairly.",
  ].join('\n');
  const samples = tools.flatMap((t) => {
    const r = results.get(t.name);
    if (r === undefined) return [];
    return [
      { metric: `idle CPU, first 10 s, ${CHILDREN} children (% of a core)`, tool: t.name, values: [r.cpuFirstPct], better: 'lower' as const },
      { metric: `idle CPU, next 10 s, ${CHILDREN} children (% of a core)`, tool: t.name, values: [r.cpuPct], better: 'lower' as const },
      { metric: `idle RSS at ${SETTLE_MS / 1000} s, ${CHILDREN} children (MiB)`, tool: t.name, values: [r.early.rssMiB], better: 'lower' as const },
      { metric: `idle RSS steady, ${CHILDREN} children (MiB)`, tool: t.name, values: [r.steady.rssMiB], better: 'lower' as const },
      { metric: `idle PSS steady, ${CHILDREN} children (MiB)`, tool: t.name, values: [r.steady.pssMiB], better: 'lower' as const },
    ];
  });
  return { title: '2. Idle cost', body, targets, samples };
}
