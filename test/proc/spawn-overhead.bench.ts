// Spawn overhead: 300 children of /bin/true through Node's child_process.spawn and through
// spawnUnit itself (execa, measured here before, cost 11–16% more per spawn and was dropped).
// Rounds are interleaved; medians printed.
// Run: npm run build && npx node dist/test/proc/spawn-overhead.bench.js [children] [rounds]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { OutputSink } from '../../src/events/sink.js';
import { createHost } from '../../src/proc/create-host.js';
import { processUnit } from '../helpers/units.js';

const host = createHost();

const children = Number(process.argv[2] ?? '300');
const rounds = Number(process.argv[3] ?? '15');
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const nullSink: OutputSink = { write: () => true, onceDrain: (fn) => fn() };

type Runner = () => Promise<void>;

// Node's floor: spawn detached with piped output, wait for every exit and pipe close.
const nodeSpawn: Runner = async () => {
  const all = Array.from({ length: children }, () => {
    const c = spawn('/bin/true', [], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.resume();
    c.stderr.resume();
    return once(c, 'close');
  });
  await Promise.all(all);
};

// The full path: spawnUnit with its line pumps into a sink that takes everything.
const unitSpawn: Runner = async () => {
  const unit = processUnit('bench', { kind: 'exec', file: '/bin/true', args: [] }, { env });
  const all = Array.from({ length: children }, () => host.spawnUnit(unit, nullSink));
  await Promise.all(all.flatMap((u) => [u.exited, u.outputDone]));
};

// The median of a list of numbers.
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

// Runs every runner once per round, in rotating order, and prints medians.
async function main(): Promise<void> {
  const runners: [string, Runner][] = [
    ['child_process.spawn', nodeSpawn],
    ['spawnUnit', unitSpawn],
  ];
  const times = new Map<string, number[]>(runners.map(([name]) => [name, []]));
  const cpu = new Map<string, number[]>(runners.map(([name]) => [name, []]));
  for (const [, run] of runners) await run();
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < runners.length; k++) {
      const [name, run] = runners[(r + k) % runners.length] ?? runners[0]!;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await run();
      const c = process.cpuUsage(c0);
      times.get(name)?.push(performance.now() - t0);
      cpu.get(name)?.push((c.user + c.system) / 1000);
    }
  }
  const floor = median(times.get('child_process.spawn') ?? []);
  const cpuFloor = median(cpu.get('child_process.spawn') ?? []);
  console.log(`${children} children of /bin/true, ${rounds} rounds, node ${process.version}`);
  for (const [name, xs] of times) {
    const m = median(xs);
    const c = median(cpu.get(name) ?? []);
    const rel = (v: number, f: number): string => `${v >= f ? '+' : ''}${((v / f - 1) * 100).toFixed(1)}%`;
    console.log(`${name.padEnd(20)} wall median ${m.toFixed(1)} ms (${rel(m, floor)})  procs CPU median ${c.toFixed(1)} ms (${rel(c, cpuFloor)})`);
  }
}

await main();
