// The side-by-side benchmark of procs against foreman, PM2, supervisord, concurrently and
// nodemon: installs the peers it can into bench/tmp, runs each scenario, writes bench/RESULTS.md.
//
//   npm run bench                          all scenarios, results to bench/RESULTS.md
//   npm run bench -- --only 1,3 --reps 3   some scenarios, fewer rounds (numbers or names: --only restart-drops)
//   options: --no-install  --out FILE  --reps N (default 5)  --peers pm2,nf (a subset; procs always runs)
//
//   npm run bench -- --compare REV [--only 1,8] [--reps N] [--keep-compare] [--out FILE]
//            procs at REV (a commit, built in a git worktree under bench/tmp/compare/, or a folder
//            holding a built checkout) against this tree, interleaved: a markdown table of medians,
//            new ÷ old and the noise band on stdout (and in FILE with --out); RESULTS.md is left alone.
//            No peers unless --peers names them.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { installPeers } from './lib/install.js';
import { machine } from './lib/machine.js';
import { BENCH_SRC } from './lib/paths.js';
import type { Sample, ScenarioOptions, Section } from './lib/report.js';
import { checkoutOf, compareTable } from './lib/compare.js';
import { procs, procsAt, RUNNERS, type Tool } from './lib/tools.js';
import { coldStart } from './scenarios/cold.js';
import { commandLatency } from './scenarios/commands.js';
import { crashLoop } from './scenarios/crash.js';
import { idleCost } from './scenarios/idle.js';
import { toolKilled } from './scenarios/killed.js';
import { outputThroughput } from './scenarios/output.js';
import { readyLatency } from './scenarios/ready.js';
import { restartDrops } from './scenarios/restart-drops.js';
import { shutdown } from './scenarios/shutdown.js';
import { startLatency } from './scenarios/start.js';
import { watchLatency } from './scenarios/watch.js';

const SCENARIOS: Record<string, (o: ScenarioOptions) => Promise<Section>> = {
  '1': startLatency,
  '2': idleCost,
  '3': outputThroughput,
  '4': crashLoop,
  '5': shutdown,
  '6': toolKilled,
  '7': watchLatency,
  '8': coldStart,
  '9': restartDrops,
  '10': commandLatency,
  '11': readyLatency,
};

/** Names `--only` takes besides the numbers. */
const NAMES: Record<string, string> = {
  start: '1',
  idle: '2',
  output: '3',
  crash: '4',
  shutdown: '5',
  killed: '6',
  watch: '7',
  cold: '8',
  'restart-drops': '9',
  commands: '10',
  ready: '11',
};

// The value after `name` on the command line.
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

/** `--compare REV`: this tree against REV, every scenario in alternating rounds; prints the table. */
async function compare(rev: string, only: readonly string[], reps: number, log: (text: string) => void): Promise<void> {
  const began = performance.now();
  const checkout = checkoutOf(rev, process.argv.includes('--keep-compare'), log);
  try {
    const old = procsAt(checkout.dir, `procs@${checkout.rev}`);
    const peers = flag('--peers')?.split(',');
    const tools: Tool[] = [procs, old, ...RUNNERS.slice(1).filter((t) => peers?.some((p) => t.name.startsWith(p)) === true)];
    if (tools.length > 2 && !process.argv.includes('--no-install')) installPeers(log);
    for (const t of tools) {
      const why = t.missing();
      if (why !== undefined) throw new Error(`${t.name}: ${why}`);
    }
    const samples: Sample[] = [];
    const lines: string[] = [];
    for (const id of only) {
      const run = SCENARIOS[id];
      if (run === undefined) throw new Error(`no scenario ${id}`);
      const t0 = performance.now();
      log(`— scenario ${id}`);
      // Each scenario is called `reps` times for one round each, the order of the two trees
      // alternating: within a call a scenario runs its tools in a fixed order (after its
      // baselines), and the second place was measurably favoured (the same build came out 40 %
      // faster in the output scenario).
      for (let round = 0; round < reps; round++) {
        const order = round % 2 === 0 ? tools : [old, procs, ...tools.slice(2)];
        const section = await run({ tools: order, reps: 1, log });
        for (const s of section.samples ?? []) {
          const into = samples.find((x) => x.metric === s.metric && x.tool === s.tool);
          if (into === undefined) samples.push({ ...s, values: [...s.values] });
          else (into.values as number[]).push(...s.values);
        }
      }
      const took = (performance.now() - t0) / 1000;
      lines.push(`- scenario ${id}: ${took.toFixed(0)} s`);
      log(`— scenario ${id} took ${took.toFixed(1)} s`);
    }
    const md = [
      `# procs: this tree against ${rev} (${checkout.rev})`,
      '',
      machine(tools),
      '',
      compareTable(samples, old.name, procs.name, checkout.rev),
      '',
      'Medians of interleaved runs of both trees on the same machine, both driven through their command line',
      `(\`dist/bin/procs.js\`), the order of the two alternating per round. The noise band is the mean of the two`,
      "trees' interquartile range over their median, at least ±3 %. A tree is slower or faster only when the ratio is",
      'outside the band and the runs are apart (Mann–Whitney p < 0.05: with 4 runs each, every run of one tree beyond',
      'every run of the other). Fewer than 3 runs give no band.',
      '',
      ...lines,
      `- in all: ${((performance.now() - began) / 1000).toFixed(0)} s (with the build of ${checkout.rev} when it was not built yet)`,
    ].join('\n');
    process.stdout.write(`${md}\n`);
    const out = flag('--out');
    if (out !== undefined) writeFileSync(out, `${md}\n`);
  } finally {
    checkout.remove();
  }
}

async function main(): Promise<void> {
  const only = (flag('--only') ?? Object.keys(SCENARIOS).join(',')).split(',').map((id) => NAMES[id] ?? id);
  // Compare mode alternates the order of the two trees per round: an even count balances it.
  const reps = Number(flag('--reps') ?? (flag('--compare') === undefined ? 5 : 4));
  const out = flag('--out') ?? join(BENCH_SRC, 'RESULTS.md');
  const log = (text: string): void => void process.stderr.write(`${text}\n`);
  const compareWith = flag('--compare');
  if (compareWith !== undefined) return compare(compareWith, only, reps, log);
  const notes = process.argv.includes('--no-install') ? [] : installPeers(log);
  const skipped: string[] = [...notes];
  const peers = flag('--peers')?.split(',');
  const runners = RUNNERS.filter((t, i) => i === 0 || peers === undefined || peers.some((p) => t.name.startsWith(p)));
  const tools = runners.filter((t) => {
    const why = t.missing();
    if (why !== undefined) skipped.push(`${t.name} skipped: ${why}`);
    return why === undefined;
  });
  const sections: Section[] = [];
  for (const id of only) {
    const run = SCENARIOS[id];
    if (run === undefined) throw new Error(`no scenario ${id}`);
    const t0 = performance.now();
    log(`— scenario ${id}`);
    sections.push(await run({ tools, reps, log }));
    log(`— scenario ${id} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const md = [
    '# procs against its peers',
    '',
    'Generated by `npm run bench` (bench/run.ts); see bench/README.md for what each scenario measures.',
    'The machine is shared and noisy: compare the ratios, measured side by side in the same rounds,',
    'more than the absolute figures.',
    '',
    '## Machine',
    '',
    machine(tools),
    '',
    ...(skipped.length > 0 ? ['Notes:', '', ...skipped.map((s) => `- ${s}`), ''] : []),
    '## Targets',
    '',
    ...sections.flatMap((s) => s.targets.map((t) => `- ${t}`)),
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.body, '']),
  ].join('\n');
  writeFileSync(out, md);
  log(`wrote ${out}`);
  for (const f of sections.flatMap((s) => s.files ?? [])) writeFileSync(join(dirname(out), f.name), f.text);
}

await main();
