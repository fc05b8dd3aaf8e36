// The leak test's setup run long: a daemon restarting a crashing unit with a 1 ms backoff, its
// resident memory, V8 heap and open descriptors sampled every SOAK_EVERY restarts (1,000) up to
// SOAK_RESTARTS (50,000), printed as a table and an ASCII plot of RSS. The heap figures come from
// a preload the daemon runs (through NODE_OPTIONS) that writes process.memoryUsage() to a file
// every second. SOAK_NODE_OPTIONS sets the daemon's heap options (default: the leak test's).
//   node dist/bench/restart-soak.js
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../bin/procs.js', import.meta.url));
const RESTARTS = Number(process.env.SOAK_RESTARTS ?? 50_000);
const EVERY = Number(process.env.SOAK_EVERY ?? 1000);
const HEAP_OPTIONS = process.env.SOAK_NODE_OPTIONS ?? '--max-old-space-size=48 --max-semi-space-size=8';

/** The preload: every second, process.memoryUsage() into DIR/mem-PID.json. */
const preload = (dir: string): string => `const fs = require('node:fs');
const file = ${JSON.stringify(dir)} + '/mem-' + process.pid + '.json';
setInterval(() => fs.writeFileSync(file, JSON.stringify(process.memoryUsage())), 1000).unref();
`;

interface Row {
  readonly restarts: number;
  readonly seconds: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly fds: number;
}

const dir = mkdtempSync(join(tmpdir(), 'procs-soak-'));
writeFileSync(join(dir, 'preload.cjs'), preload(dir));
writeFileSync(
  join(dir, 'procs.yaml'),
  `version: 1
processes:
  crash:
    command: ["/bin/sh", "-c", "echo boom; exit 3"]
    restart: { policy: always, max_restarts: 1000000, backoff: { initial: 1ms, max: 1ms } }
  steady:
    command: ["/bin/sh", "-c", "echo up; exec sleep 100000"]
`,
);
const env = { ...process.env, NO_COLOR: '1', NODE_OPTIONS: `${HEAP_OPTIONS} --require=${join(dir, 'preload.cjs')}` };
const procs = (args: string[]): string => spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, env, encoding: 'utf8' }).stdout;
const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

/** ASCII plot of `ys`, one column per sample. */
function plot(ys: readonly number[], height = 14): string {
  const lo = Math.floor(Math.min(...ys));
  const hi = Math.ceil(Math.max(...ys)) + 1;
  const rows: string[] = [];
  for (let h = height - 1; h >= 0; h--) {
    const line = ys.map((y) => (Math.round(((y - lo) / (hi - lo)) * (height - 1)) === h ? '*' : ' ')).join('');
    rows.push(`${(lo + ((hi - lo) * h) / (height - 1)).toFixed(0).padStart(6)} |${line}`);
  }
  rows.push(`       +${'-'.repeat(ys.length)}  one column per ${EVERY} restarts`);
  return rows.join('\n');
}

procs(['up', '-d']);
const pid = Number(readFileSync(join(dir, '.procs/procs.pid'), 'utf8'));
const rows: Row[] = [];
const t0 = Date.now();
try {
  console.log(`daemon ${pid}, NODE_OPTIONS ${HEAP_OPTIONS}\nrestarts\tseconds\trss_mb\theap_used_mb\theap_total_mb\tfds`);
  for (let next = EVERY; next <= RESTARTS;) {
    const status = JSON.parse(procs(['ps', '--json'])) as { units: { name: string; restarts: number }[] };
    const restarts = status.units.find((u) => u.name === 'crash')?.restarts ?? 0;
    if (restarts < next) {
      await new Promise((r) => setTimeout(r, 300));
      continue;
    }
    const rss = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
    let heap = { heapUsed: NaN, heapTotal: NaN };
    try {
      heap = JSON.parse(readFileSync(join(dir, `mem-${pid}.json`), 'utf8')) as typeof heap;
    } catch {
      // not written yet
    }
    const row = {
      restarts,
      seconds: Math.round((Date.now() - t0) / 1000),
      rssMb: mb(rss),
      heapUsedMb: mb(heap.heapUsed),
      heapTotalMb: mb(heap.heapTotal),
      fds: readdirSync(`/proc/${pid}/fd`).length,
    };
    rows.push(row);
    console.log(Object.values(row).join('\t'));
    while (next <= restarts) next += EVERY;
  }
} finally {
  procs(['down', '--timeout', '1s']);
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\nRSS (MB)\n${plot(rows.map((r) => r.rssMb))}`);
