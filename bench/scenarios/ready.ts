// Scenario 11, up to all-ready: the wall time of `procs up -d --wait` (it returns once every unit
// is ready) on the repository's procs.example.yaml and on generated specs of 50 and 300 units in 5
// layers, each layer depending on the whole previous one (`healthy`) and each unit ready 500 ms
// after it starts (a `log:` readiness probe). Against the critical chain procs' own events show
// (`procs why --startup --json`): procs' overhead is the time to all-ready minus the sum of the
// chain's own times (each unit's spawn to ready), as a share of that sum. The generated chain also
// runs as a shell script (each layer's units started together, the next once all said ready): the
// floor for that chain on this machine.
import { spawn } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { ok, procsDaemon, timed } from '../lib/daemons.js';
import { REPO } from '../lib/paths.js';
import { TOKEN_VAR } from '../lib/procfs.js';
import { type Sample, type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import { median, ms } from '../lib/stats.js';

const LAYERS = 5;
const WIDTH = 10;
/** The wide chain: how the scheduler's work grows with the units and their dependencies (60 × 60 per layer). */
const WIDE = 60;
const DELAY_MS = 500;
/** procs' overhead over the chain, at most this share of it. */
const GOAL = 0.05;
/** How long `--wait` wants a unit without a readiness probe to have run (src/app/wait.ts SETTLE_MS). */
const SETTLE_MS = 1000;

interface ChainRow {
  readonly unit: string;
  readonly spawned_ms: number | null;
  readonly up_ms: number | null;
  readonly took_ms: number | null;
  readonly how: string | null;
}

interface Startup {
  readonly started_at: string | null;
  readonly all_up_ms: number | null;
  readonly chain: readonly ChainRow[];
}

/** One run's figures, in ms. */
interface Ready {
  /** Launch of `up -d --wait` until it returned. */
  readonly total: number;
  /** The sum of the critical chain's own times (spawn to ready, per unit). */
  readonly chain: number;
  /** Launch until the run's `start` event. */
  readonly boot: number;
  /** The `start` event until the last unit was up, minus the chain: the gaps between the chain's units. */
  readonly gaps: number;
  /** The last unit up until `--wait` returned. */
  readonly tail: number;
  readonly chainText: string;
}

/** The generated spec, `width` units a layer: layer L's units depend on every unit of layer L-1 being ready. */
function chainSpec(width: number): string {
  const lines = ['version: 1', 'processes:'];
  for (let l = 0; l < LAYERS; l++) {
    for (let i = 0; i < width; i++) {
      lines.push(`  l${l}-u${i}:`, `    command: "sleep ${DELAY_MS / 1000}; echo ready; exec sleep 600"`, '    health: { readiness: { log: "^ready$" } }');
      if (l > 0) lines.push(`    depends_on: { ${Array.from({ length: width }, (_, j) => `l${l - 1}-u${j}: healthy`).join(', ')} }`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A TCP port free right now on 127.0.0.1 (the example's API listens on it: no clash with other runs). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** A spec to bring up; `readyEvents`: run `procs up --json` in the foreground until that many `ready` events instead. */
interface SpecCase {
  readonly label: string;
  readonly prepare: (dir: string) => Promise<void>;
  readonly readyEvents?: number;
}

/** The figures of one run from its startup (read back from the events) and the wall times around it. */
function figures(s: Startup, launched: number, returned: number): Ready {
  if (s.started_at === null || s.all_up_ms === null) throw new Error('the events show no complete startup');
  const start = Date.parse(s.started_at);
  // A last unit without a readiness probe counts as up for --wait once it has run SETTLE_MS.
  const settle = s.chain.at(-1)?.how === 'running' ? SETTLE_MS : 0;
  const chain = s.chain.reduce((n, r) => n + (r.took_ms ?? 0), 0) + settle;
  return {
    total: returned - launched,
    chain,
    boot: start - launched,
    gaps: s.all_up_ms + settle - chain,
    tail: returned - (start + s.all_up_ms + settle),
    chainText: s.chain.map((r) => `${r.unit} ${r.took_ms ?? '?'}`).join(' → ') + (settle > 0 ? ` (+${SETTLE_MS} settle)` : ''),
  };
}

// One run in a fresh folder prepared by the case: `up -d --wait` then `down`, or a foreground
// `up --json` until its ready events then Ctrl-C; the startup read back with `why --startup --json`.
async function once(name: string, main: string, c: SpecCase): Promise<Ready> {
  return withRun(`ready-${c.label}-${name}`, async (ctx) => {
    await c.prepare(ctx.dir);
    const env = { [TOKEN_VAR]: ctx.token };
    const why = async (): Promise<Startup> =>
      JSON.parse(ok(`${name} why`, await timed(process.execPath, [main, 'why', '--startup', '--json'], ctx.dir, env)).stdout) as Startup;
    if (c.readyEvents === undefined) {
      const launched = Date.now();
      const d = await procsDaemon(ctx, name, main, undefined);
      // The run's cleanup kills what `down` leaves, should `why` fail.
      const r = figures(await why(), launched, launched + d.up.ms);
      ok(`${name} down`, await d.stop());
      return r;
    }
    const launched = Date.now();
    const up = spawn(process.execPath, [main, 'up', '--json', '--no-color'], {
      cwd: ctx.dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const exited = new Promise<void>((resolve) => up.once('close', () => resolve()));
    try {
      const returned = await new Promise<number>((resolve, reject) => {
        let seen = 0;
        const timer = setTimeout(() => reject(new Error(`${name}: ${seen} of ${c.readyEvents} units ready after 60 s`)), 60_000);
        createInterface({ input: up.stdout }).on('line', (line) => {
          if (!line.includes('"type":"ready"') || ++seen < (c.readyEvents ?? 0)) return;
          clearTimeout(timer);
          resolve(Date.now());
        });
      });
      return figures(await why(), launched, returned);
    } finally {
      up.kill('SIGINT');
      await exited;
    }
  });
}

/**
 * The same chain with a shell, the floor for it on this machine: each layer's units start together
 * (`sh -c` each, as procs starts them), the next layer once every one of them has said `ready`.
 * What it takes beyond the chain's sleeps is the system's: processes created ten at a time.
 */
function shellChain(width: number): string {
  const unit = `sh -c "sleep ${DELAY_MS / 1000}; echo ready; exec sleep 600" >&3 &`;
  const layer = `${Array.from({ length: width }, () => unit).join('\n')}\nfor i in ${Array.from({ length: width }, (_, i) => i).join(' ')}; do read line <&3; done`;
  return ['mkfifo chain.fifo', 'exec 3<>chain.fifo', ...Array.from({ length: LAYERS }, () => layer), 'echo all-ready', 'wait', ''].join('\n');
}

/** Launch of the shell chain until it said every unit was ready, in ms. */
async function shellOnce(width: number): Promise<number> {
  return withRun('ready-sh', async (ctx) => {
    writeFileSync(join(ctx.dir, 'chain.sh'), shellChain(width));
    const launched = performance.now();
    const sh = spawn('/bin/sh', ['chain.sh'], { cwd: ctx.dir, env: { ...process.env, [TOKEN_VAR]: ctx.token }, stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise<void>((resolve) => sh.once('close', () => resolve()));
    try {
      return await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the shell chain was not ready after 60 s')), 60_000);
        createInterface({ input: sh.stdout }).on('line', (line) => {
          if (line !== 'all-ready') return;
          clearTimeout(timer);
          resolve(performance.now() - launched);
        });
      });
    } finally {
      // The run's cleanup kills the units (they carry its token), and the shell's wait ends.
      sh.kill('SIGKILL');
      await exited;
    }
  });
}

const SPECS: readonly SpecCase[] = [
  {
    label: 'procs.example.yaml',
    prepare: async (dir) => {
      cpSync(join(REPO, 'procs.example.yaml'), join(dir, 'procs.yaml'));
      cpSync(join(REPO, 'examples'), join(dir, 'examples'), { recursive: true });
      // `${API_PORT:-4100}`: a .env beside the spec gives this run a port of its own.
      writeFileSync(join(dir, '.env'), `API_PORT=${await freePort()}\n`);
    },
  },
  {
    label: `${LAYERS * WIDTH} units, ${LAYERS} layers deep`,
    prepare: (dir) => Promise.resolve(writeFileSync(join(dir, 'procs.yaml'), chainSpec(WIDTH))),
  },
  {
    label: `${LAYERS * WIDTH} units, ${LAYERS} layers deep, foreground \`up --json\``,
    prepare: (dir) => Promise.resolve(writeFileSync(join(dir, 'procs.yaml'), chainSpec(WIDTH))),
    readyEvents: LAYERS * WIDTH,
  },
  {
    label: `${LAYERS * WIDE} units, ${LAYERS} layers deep, foreground \`up --json\``,
    prepare: (dir) => Promise.resolve(writeFileSync(join(dir, 'procs.yaml'), chainSpec(WIDE))),
    readyEvents: LAYERS * WIDE,
  },
];

export async function readyLatency(o: ScenarioOptions): Promise<Section> {
  const procsTools = o.tools.filter((t) => t.main !== undefined);
  const runs = new Map<string, Ready[]>();
  const shell = new Map<number, number[]>([
    [WIDTH, []],
    [WIDE, []],
  ]);
  for (let round = 0; round < Math.max(1, o.reps); round++) {
    for (const [width, times] of shell) {
      times.push(await shellOnce(width));
      o.log(`ready shell chain of ${LAYERS * width}: ${ms(times.at(-1) ?? Number.NaN)}`);
    }
    for (const spec of SPECS) {
      const order = round % 2 === 0 ? procsTools : [...procsTools].reverse();
      for (const t of order) {
        const r = await once(t.name, t.main ?? '', spec);
        o.log(`ready ${spec.label} ${t.name}: ${JSON.stringify(r)}`);
        runs.set(`${spec.label}\0${t.name}`, [...(runs.get(`${spec.label}\0${t.name}`) ?? []), r]);
      }
    }
  }
  const rows: string[][] = [];
  const targets: string[] = [];
  const samples: Sample[] = [];
  for (const spec of SPECS) {
    for (const t of procsTools) {
      const rs = runs.get(`${spec.label}\0${t.name}`) ?? [];
      const m = (f: (r: Ready) => number): number => median(rs.map(f));
      const share = m((r) => (r.total - r.chain) / r.chain);
      const inRun = m((r) => r.gaps / r.chain);
      rows.push([
        spec.label,
        t.name,
        ms(m((r) => r.total)),
        ms(m((r) => r.chain)),
        `${ms(m((r) => r.total - r.chain))} (${(share * 100).toFixed(0)} %)`,
        ms(m((r) => r.boot)),
        `${ms(m((r) => r.gaps))} (${(inRun * 100).toFixed(1)} %)`,
        ms(m((r) => r.tail)),
        rs[Math.floor(rs.length / 2)]?.chainText ?? '',
      ]);
      if (t === procsTools[0]) {
        targets.push(
          `Up to all-ready on ${spec.label}: procs' overhead over the critical chain under 5 %: ${(share * 100).toFixed(0)} % (${ms(m((r) => r.total - r.chain))} over ${ms(m((r) => r.chain))}; within the run, between the chain's units: ${(inRun * 100).toFixed(1)} %) — ${verdict(share < GOAL)}`,
        );
      }
      for (const [what, f] of [
        ['up -d --wait (ms)', (r: Ready) => r.total],
        ['overhead over the chain (ms)', (r: Ready) => r.total - r.chain],
        ['gaps between the chain units (ms)', (r: Ready) => r.gaps],
      ] as const) {
        samples.push({ metric: `ready, ${spec.label}: ${what}`, tool: t.name, values: rs.map(f), better: 'lower' });
      }
    }
  }
  const vsShell: string[] = [];
  for (const [width, times] of shell) {
    const chainLabel = `${LAYERS * width} units, ${LAYERS} layers deep`;
    const floor = median(times) - LAYERS * DELAY_MS;
    rows.push([
      chainLabel,
      'sh (baseline)',
      ms(median(times)),
      ms(LAYERS * DELAY_MS),
      `${ms(floor)} (${((floor / (LAYERS * DELAY_MS)) * 100).toFixed(0)} %)`,
      '–',
      '–',
      '–',
      `${LAYERS} × ${DELAY_MS} ms of sleep`,
    ]);
    samples.push({ metric: `ready, ${chainLabel}: shell loop (ms)`, tool: 'sh', values: times, better: 'lower' });
    const fg = runs.get(`${chainLabel}, foreground \`up --json\`\0${procsTools[0]?.name ?? ''}`) ?? [];
    vsShell.push(`${(median(fg.map((r) => r.total)) / median(times)).toFixed(2)}× at ${LAYERS * width} units`);
  }
  const body = [
    table(
      [
        'spec',
        'tool',
        'launch → all ready',
        'critical chain (sum)',
        'overhead',
        'launch → start event',
        'gaps in the run',
        'all up → returned',
        'chain (ms per unit)',
      ],
      rows,
    ),
    '',
    '`up -d --wait` is timed from its launch until it returned (every unit ready, one-shot steps completed); the foreground rows, `up --json` until its last `ready` event reached the harness. The critical',
    "chain and each of its units' own time (spawn to up: ready, running, or completed) come from procs' events",
    '(`.procs/events.ndjson`, read by `procs why --startup --json`); its sum is the least any runner could take.',
    "Overhead = the wall time minus that sum, split into: the launch until the run's `start` event (the command and the",
    "daemon starting, the spec loaded), the gaps between the chain's units within the run (a dependency up until its",
    'dependent spawned: all-up time minus the chain), and the last unit up until `--wait` returned.',
    `The generated specs: ${LAYERS} layers of ${WIDTH} (and of ${WIDE}) units, every unit of a layer depending on every unit of the previous one`,
    `(\`healthy\`), each \`sleep ${DELAY_MS / 1000}; echo ready; exec sleep 600\` with \`readiness: { log: "^ready$" }\`.`,
    'procs.example.yaml runs as shipped, with its examples/ folder and an API port of its own; medians of interleaved runs,',
    'each stopped after by `procs down`.',
    '',
    `The shell rows are the floor for the generated chains on this machine: a \`/bin/sh\` script starting each layer's units together`,
    '(`sh -c`, as procs does) and the next layer once all of them said `ready` (read from one FIFO); its overhead is over the',
    `chain's ${LAYERS} × ${DELAY_MS} ms of sleep. procs in the foreground (\`up --json\`, launch to the last ready event) took ${vsShell.join(', ')} of the shell's time.`,
  ].join('\n');
  return { title: '11. Up to all-ready against the critical chain', body, targets, samples };
}
