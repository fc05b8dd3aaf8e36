// Scenario 3, output: 4 children each print 200,000 numbered lines (`L<id>:<n>`) as fast as they
// can, with the tool's stdout a pipe the harness reads, a regular file (`tool > log`, read as it
// grows) and a terminal (`script`); every line checked: whole, on its own line, and in order per
// child. Each tool also runs empty (4 children printing nothing): its fixed cost. Baseline: the
// same 4 printers through one `cat`. Then the same through a daemon into log files (output-daemon).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKLOADS } from '../lib/paths.js';
import { type Sample, type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import { median, ms, ratio } from '../lib/stats.js';
import { start, type StdoutMode, type Tool } from '../lib/tools.js';
import { type Checked, LineCheck, checkFile, checkStream } from './output-check.js';
import { daemonOutput } from './output-daemon.js';

const CHILDREN = 4;
const LINES = 200_000;
const TOTAL = CHILDREN * LINES;
const TIMEOUT_MS = 40_000;
const BUDGET_MS = 240_000;
const MODES: readonly StdoutMode[] = ['pipe', 'file', 'terminal'];
/** Peers that stay up after their children end (no empty run), and are run to a pipe only. */
const PIPE_ONLY = new Set(['pm2', 'supervisord']);

/** The 4 printers into one `cat`: how fast the pipe (file, terminal) itself goes. */
const cat: Tool = {
  name: 'cat',
  baseline: true,
  missing: () => undefined,
  launch(o) {
    const script = `(${o.children.map((c) => c.argv.join(' ')).join(' & ')} & wait) | cat\n`;
    writeFileSync(join(o.dir, 'cat.sh'), script);
    return start('/bin/sh', ['cat.sh'], o, 'SIGTERM');
  },
};

/** The children of a run, each printing `lines` lines. */
function printers(lines: number): { name: string; argv: string[] }[] {
  return Array.from({ length: CHILDREN }, (_, i) => ({ name: `p${i + 1}`, argv: [join(WORKLOADS, 'printer.sh'), String(i + 1), String(lines)] }));
}

// One run of `tool` with its stdout as `mode`: 4 printers, output checked.
async function once(tool: Tool, mode: StdoutMode): Promise<Checked> {
  return withRun(`output-${mode}-${tool.name}`, async (ctx) => {
    const run = ctx.launch(tool, { children: printers(LINES), output: true, stdout: mode, oneShot: true });
    const check = new LineCheck(CHILDREN, run.started);
    if (run.outFile !== undefined) return checkFile(run.outFile, check, TOTAL, run.exited, TIMEOUT_MS);
    return checkStream(run.child.stdout, check, TOTAL, TIMEOUT_MS);
  });
}

// One empty run: launch until the tool has exited by itself (NaN past the timeout).
async function empty(tool: Tool, mode: StdoutMode): Promise<number> {
  return withRun(`output-empty-${mode}-${tool.name}`, async (ctx) => {
    const run = ctx.launch(tool, { children: printers(0), output: true, stdout: mode, oneShot: true });
    run.child.stdout?.resume();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(Number.NaN), TIMEOUT_MS)));
    const ended = await Promise.race([run.exited.then(() => performance.now() - run.started), late]);
    clearTimeout(timer);
    return ended;
  });
}

type Key = `${StdoutMode} ${string}`;

export async function outputThroughput(o: ScenarioOptions): Promise<Section> {
  const tools = [cat, ...o.tools.filter((t) => !t.lacks?.many)];
  const full = new Map<Key, Checked[]>();
  const idle = new Map<Key, number[]>();
  const began = performance.now();
  for (let round = 0; round < Math.min(o.reps, 3) && performance.now() - began < BUDGET_MS; round++) {
    for (const mode of MODES) {
      for (const tool of tools) {
        if (PIPE_ONLY.has(tool.name) && mode !== 'pipe') continue;
        const r = await once(tool, mode);
        full.set(`${mode} ${tool.name}`, [...(full.get(`${mode} ${tool.name}`) ?? []), r]);
        o.log(`output ${mode} ${tool.name}: ${JSON.stringify(r)}`);
        if (PIPE_ONLY.has(tool.name)) continue;
        const e = await empty(tool, mode);
        idle.set(`${mode} ${tool.name}`, [...(idle.get(`${mode} ${tool.name}`) ?? []), e]);
        o.log(`output ${mode} ${tool.name} empty: ${ms(e)}`);
      }
    }
  }
  const procsName = o.tools[0]?.name ?? '';
  const totalOf = (k: Key): number | undefined => {
    const rs = full.get(k);
    return rs === undefined ? undefined : median(rs.map((r) => r.totalMs));
  };
  const worst = (rs: readonly Checked[] | undefined, f: (r: Checked) => number): number => Math.max(0, ...(rs ?? []).map(f));
  const rows: string[][] = [];
  const targets: string[] = [];
  for (const mode of MODES) {
    const procsMs = totalOf(`${mode} ${procsName}`);
    for (const t of tools) {
      const k: Key = `${mode} ${t.name}`;
      const rs = full.get(k);
      if (rs === undefined) continue;
      const total = totalOf(k);
      const lps = total === undefined ? undefined : TOTAL / (total / 1000);
      const rate = median(rs.map((r) => (r.received > 0 ? r.received / (r.streamMs / 1000) : 0)));
      const e = idle.get(k);
      rows.push([
        mode,
        t.baseline ? `${t.name} (baseline)` : t.name,
        ms(total),
        lps === undefined ? '–' : `${(lps / 1e6).toFixed(2)} M/s`,
        ratio(procsMs, total),
        `${(rate / 1e6).toFixed(2)} M/s`,
        e === undefined ? '–' : ms(median(e)),
        String(worst(rs, (x) => TOTAL - x.good)),
        String(worst(rs, (x) => x.garbled)),
      ]);
    }
    const catMs = totalOf(`${mode} cat`);
    const concMs = totalOf(`${mode} concurrently`);
    const lost = worst(full.get(`${mode} ${procsName}`), (x) => TOTAL - x.good + x.garbled);
    const vsCat = catMs !== undefined && procsMs !== undefined ? catMs / procsMs : Number.NaN;
    const vsConc = concMs !== undefined && procsMs !== undefined ? concMs / procsMs : Number.NaN;
    targets.push(
      `Output to a ${mode}, end to end, at least 0.75× cat's lines/s, never below concurrently, nothing lost, split or reordered: procs ${vsCat.toFixed(2)}× cat, ${vsConc.toFixed(2)}× concurrently's lines/s, ${lost} lines lost or broken — ${verdict(vsCat >= 0.75 && !(vsConc < 1) && lost === 0)}`,
    );
  }
  const daemon = await daemonOutput({ ...o, log: o.log }, CHILDREN, LINES);
  const body = [
    table(
      [
        'stdout',
        'tool',
        'launch → last line (median)',
        'lines/s end to end',
        'procs ÷ tool (time)',
        'lines/s first → last line',
        'empty run',
        'lines not whole or not in order (worst run)',
        'garbled lines (worst run)',
      ],
      rows,
    ),
    '',
    `${CHILDREN} children (\`printer.sh\` = \`seq\`) print ${LINES.toLocaleString('en')} lines each. The tool's stdout is a pipe the harness reads,`,
    'a regular file (`tool > log`; the harness reads the file as it grows, every 10 ms, so a time there is at most 10 ms late)',
    "or a terminal (the tool runs under `script -qfc CMD /dev/null`; the harness reads `script`'s copy of the terminal, `NO_COLOR=1`).",
    '"launch → last line" runs from the spawn of the tool until the last of the 800,000 lines arrived; "lines/s end to end" is',
    '800,000 over that time, and the targets compare those. The empty run is the same tool with 4 children printing nothing,',
    'from launch until the tool has exited by itself: its fixed cost, included in the end-to-end time. A line counts as good only',
    'when its payload arrives whole, alone at the end of its line, and next in its child\'s sequence; "garbled" counts lines',
    'holding a broken or a second payload. pm2 (pm2-runtime) and supervisord stay up after their children end: pipe only, no',
    'empty run.',
    '',
    daemon.body,
  ].join('\n');
  const samples: Sample[] = o.tools.flatMap((t) =>
    MODES.flatMap((mode) => {
      const rs = full.get(`${mode} ${t.name}`) ?? [];
      const e = idle.get(`${mode} ${t.name}`) ?? [];
      return [
        { metric: `output to a ${mode}, launch → last line (ms)`, tool: t.name, values: rs.map((r) => r.totalMs), better: 'lower' as const },
        { metric: `output to a ${mode}, empty run (ms)`, tool: t.name, values: e, better: 'lower' as const },
      ];
    }),
  );
  return { title: '3. Output', body, targets: [...targets, ...daemon.targets], samples: [...samples, ...daemon.samples] };
}
