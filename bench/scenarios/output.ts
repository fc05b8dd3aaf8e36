// Scenario 3, output: 4 children each print 200,000 numbered lines (`L<id>:<n>`) as fast as they
// can; the tool's stdout is read through a pipe and checked line by line: every line whole, on its
// own line, and in order per child. Baseline: the same 4 printers through one `cat`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKLOADS } from '../lib/paths.js';
import { type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import { median, ms, ratio } from '../lib/stats.js';
import type { Running, Tool } from '../lib/tools.js';
import { spawn } from 'node:child_process';
import { TOKEN_VAR } from '../lib/procfs.js';

const CHILDREN = 4;
const LINES = 200_000;
const TOTAL = CHILDREN * LINES;
const TIMEOUT_MS = 40_000;
const BUDGET_MS = 100_000;

interface Outcome {
  /** From the tool's launch until the last expected line arrived (or the stream ended). */
  readonly totalMs: number;
  /** From the first payload line to the last. */
  readonly streamMs: number;
  /** Lines that arrived whole, alone on their line, and in order for their child. */
  readonly good: number;
  /** Lines holding a broken or doubled payload. */
  readonly garbled: number;
  /** Every line that held a payload, good or not. */
  readonly received: number;
}

/** The 4 printers into one `cat`: how fast the pipe itself goes. */
const cat: Tool = {
  name: 'cat',
  baseline: true,
  missing: () => undefined,
  launch(o) {
    const script = `(${o.children.map((c) => c.argv.join(' ')).join(' & ')} & wait) | cat\n`;
    writeFileSync(join(o.dir, 'cat.sh'), script);
    const started = performance.now();
    const child = spawn('/bin/sh', ['cat.sh'], {
      cwd: o.dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, [TOKEN_VAR]: o.token },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { child, started, exited, stop: () => child.kill('SIGTERM'), chatter: () => '' };
  },
};

// Reads the tool's stdout and checks each line until all are in, the stream ends, or time runs out.
function check(run: Running): Promise<Outcome> {
  const next = new Array<number>(CHILDREN).fill(1);
  let good = 0;
  let garbled = 0;
  let received = 0;
  let first: number | undefined;
  let last = run.started;
  let partial = '';
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      run.child.stdout?.removeAllListeners('data');
      resolve({ totalMs: last - run.started, streamMs: first === undefined ? Number.NaN : last - first, good, garbled, received });
    };
    const timer = setTimeout(done, TIMEOUT_MS);
    const stdout = run.child.stdout;
    if (!stdout) return done();
    stdout.setEncoding('latin1');
    stdout.on('data', (chunk: string) => {
      const now = performance.now();
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const at = line.lastIndexOf('L');
        if (at < 0 || line.charCodeAt(at + 2) !== 58) continue;
        first ??= now;
        last = now;
        received++;
        const id = line.charCodeAt(at + 1) - 49;
        const digits = line.slice(at + 3);
        const n = Number(digits);
        const doubled = line.indexOf('L') < at && /L\d:/.test(line.slice(0, at));
        if (id < 0 || id >= CHILDREN || digits.length === 0 || !Number.isInteger(n) || doubled) {
          garbled++;
          continue;
        }
        if (n === next[id]) good++;
        next[id] = n + 1;
      }
      if (good >= TOTAL) done();
    });
    stdout.once('end', done);
  });
}

// One run of `tool`: 4 printers, output checked.
async function once(tool: Tool): Promise<Outcome> {
  return withRun(`output-${tool.name}`, async (ctx) => {
    const children = Array.from({ length: CHILDREN }, (_, i) => ({ name: `p${i + 1}`, argv: [join(WORKLOADS, 'printer.sh'), String(i + 1), String(LINES)] }));
    return check(ctx.launch(tool, { children, output: true, oneShot: true }));
  });
}

export async function outputThroughput(o: ScenarioOptions): Promise<Section> {
  const tools = [cat, ...o.tools.filter((t) => !t.lacks?.many)];
  const results = new Map<string, Outcome[]>();
  const began = performance.now();
  for (let round = 0; round < Math.min(o.reps, 3) && performance.now() - began < BUDGET_MS; round++) {
    for (const tool of tools) {
      const r = await once(tool);
      results.set(tool.name, [...(results.get(tool.name) ?? []), r]);
      o.log(`output ${tool.name}: ${JSON.stringify(r)}`);
    }
  }
  const rate = (rs: readonly Outcome[] | undefined): number | undefined =>
    rs === undefined ? undefined : median(rs.map((r) => (r.received > 0 ? r.received / (r.streamMs / 1000) : 0)));
  const procsName = o.tools[0]?.name ?? '';
  const procsRate = rate(results.get(procsName));
  const worst = (rs: readonly Outcome[] | undefined, f: (r: Outcome) => number): number => Math.max(0, ...(rs ?? []).map(f));
  const rows = tools.map((t) => {
    const rs = results.get(t.name);
    const r = rate(rs);
    return [
      t.baseline ? `${t.name} (baseline)` : t.name,
      r === undefined ? '–' : `${(r / 1e6).toFixed(2)} M/s`,
      ratio(r, procsRate),
      ms(rs === undefined ? undefined : median(rs.map((x) => x.totalMs))),
      String(worst(rs, (x) => TOTAL - x.good)),
      String(worst(rs, (x) => x.garbled)),
    ];
  });
  const procsRuns = results.get(procsName) ?? [];
  const lost = worst(procsRuns, (x) => TOTAL - x.good);
  const targets = [
    `Output at least 3 M lines/s, nothing lost, split or reordered: procs ${((procsRate ?? 0) / 1e6).toFixed(2)} M lines/s, ${lost} lines not whole and in order — ${verdict((procsRate ?? 0) >= 3e6 && lost === 0)}`,
  ];
  const body = [
    table(['tool', 'lines/s (median)', '÷ procs', 'launch → last line', 'lines not whole or not in order (worst run)', 'garbled lines (worst run)'], rows),
    '',
    `${CHILDREN} children (\`printer.sh\` = \`seq\`) print ${LINES.toLocaleString('en')} lines each; the tool's stdout is a pipe the harness`,
    'reads. lines/s counts the lines that arrived over the time from the first to the last; a line counts as good only when',
    'its payload arrives whole, alone at the end of its line, and next in its child\'s sequence. "garbled" counts lines',
    'holding a broken or a second payload.',
  ].join('\n');
  const samples = o.tools.flatMap((t) => {
    const rs = results.get(t.name) ?? [];
    return [
      { metric: 'output (lines/s)', tool: t.name, values: rs.map((r) => (r.received > 0 ? r.received / (r.streamMs / 1000) : 0)), better: 'higher' as const },
      { metric: 'output, launch → last line (ms)', tool: t.name, values: rs.map((r) => r.totalMs), better: 'lower' as const },
    ];
  });
  return { title: '3. Output', body, targets, samples };
}
