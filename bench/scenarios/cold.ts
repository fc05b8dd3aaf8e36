// Scenario 8, CLI cold start: `procs --version`, `procs validate` (a 3-process spec and the
// repository's procs.example.yaml) and `procs ps` with nothing running, against `node -e 0` (and
// `node` on an empty ES module file, what any ESM command line costs at least), and the peers'
// `--version`; medians of interleaved rounds.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR, REPO, TMP } from '../lib/paths.js';
import { type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { median, ms, ratio } from '../lib/stats.js';
import { packageBin } from '../lib/tools.js';

const ROUNDS = 21;

export async function coldStart(o: ScenarioOptions): Promise<Section> {
  const dir = join(TMP, 'cold');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'procs.yaml'),
    'version: 1\nprocesses:\n  web: { command: "node server.js", env: { PORT: "3000" } }\n  worker: { command: node worker.js }\n  db:\n    command: ["redis-server"]\n    health: { readiness: { tcp: "127.0.0.1:6379" } }\n',
  );
  const peer = (rel: string): string => join(PEERS_DIR, 'node_modules', rel);
  const has = (prefix: string): boolean => o.tools.some((t) => t.name.startsWith(prefix));
  // Every procs among the tools (this tree, and another checkout with --compare).
  const procsMains = o.tools.flatMap((t) => (t.main === undefined ? [] : [[t.name, t.main] as const]));
  writeFileSync(join(dir, 'empty.mjs'), '');
  const example = join(REPO, 'procs.example.yaml');
  // [name, file, args, exit status expected, env]: `ps` with no project running says so and exits 1.
  const commands: [string, string, string[], number, Record<string, string>?][] = [
    ['node -e 0', process.execPath, ['-e', '0'], 0],
    ['node empty.mjs', process.execPath, [join(dir, 'empty.mjs')], 0],
    ...procsMains.flatMap(([name, main]): [string, string, string[], number, Record<string, string>?][] => [
      [`${name} --version`, process.execPath, [main, '--version'], 0],
      [`${name} validate`, process.execPath, [main, 'validate'], 0],
      [`${name} validate example`, process.execPath, [main, 'validate', '-f', example], 0],
      // Every run parses the YAML, as after an edit (the rows above take the tree parsed the round before).
      [`${name} validate example, parsed`, process.execPath, [main, 'validate', '-f', example], 0, { PROCS_SPEC_CACHE: '0' }],
      [`${name} ps (none running)`, process.execPath, [main, 'ps'], 1],
    ]),
    ...(has('concurrently')
      ? [
          ['concurrently --version', process.execPath, [packageBin('concurrently', 'concurrently') ?? 'concurrently', '--version'], 0] as [
            string,
            string,
            string[],
            number,
          ],
        ]
      : []),
    ...(has('nodemon')
      ? [['nodemon --version', process.execPath, [peer('nodemon/bin/nodemon.js'), '--version'], 0] as [string, string, string[], number]]
      : []),
    ...(has('nf') ? [['nf --help', process.execPath, [peer('foreman/nf.js'), '--help'], 0] as [string, string, string[], number]] : []),
  ];
  const times = new Map<string, number[]>();
  const failures = new Map<string, string>();
  // One warm-up round fills the page cache (and procs' compile cache) for everyone alike.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, file, args, expected, env] of commands) {
      const t0 = performance.now();
      const r = spawnSync(file, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000, env: { ...process.env, ...env } });
      const t = performance.now() - t0;
      if (r.status !== expected) failures.set(name, `status ${String(r.status)}: ${String(r.stderr).slice(0, 200)}`);
      if (round > 0) times.set(name, [...(times.get(name) ?? []), t]);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const med = (name: string): number => median(times.get(name) ?? []);
  const base = med('node -e 0');
  const rows = commands.map(([name]) => [name, ms(med(name)), ratio(med(name), base), failures.get(name) ?? '']);
  o.log(`cold: ${rows.map((r) => r.slice(0, 3).join(' ')).join('; ')}`);
  const first = procsMains[0]?.[0] ?? 'procs';
  const v = med(`${first} --version`);
  const val = med(`${first} validate`);
  const ex = med(`${first} validate example`);
  const parsed = med(`${first} validate example, parsed`);
  const within = (what: string, t: number, limit: number): string =>
    `${what} within ${limit}× of \`node -e 0\`: ${ms(t)} / ${ms(base)} = ${ratio(t, base)} — ${verdict(t <= limit * base)}`;
  const targets = [
    within('`procs --version`', v, 1.2),
    within('`procs validate` (3 processes)', val, 1.5),
    within('`procs validate` (procs.example.yaml)', ex, 1.5),
    within('`procs validate` (procs.example.yaml, parsed every time: PROCS_SPEC_CACHE=0)', parsed, 1.5),
  ];
  const body = [
    table(['command', 'wall time (median)', '÷ node -e 0', 'failure'], rows),
    '',
    `Median of ${ROUNDS} interleaved rounds after one warm-up round, each a fresh process (spawnSync, output piped).`,
    '`validate` checks a 3-process spec, then procs.example.yaml; `ps (none running)` is a data row (it says no project runs, exit 1).',
    'Those take the parsed YAML from the spec cache (the file is the same as the round before); `parsed` turns the cache off, as a first run after an edit.',
    '`node empty.mjs`: node on an empty ES module file, the floor of a command line written as ES modules.',
    'nf has no `--version`; its `--help` stands in.',
  ].join('\n');
  const samples = procsMains.flatMap(([name]) => [
    { metric: 'cold start: `procs --version` (ms)', tool: name, values: times.get(`${name} --version`) ?? [], better: 'lower' as const },
    { metric: 'cold start: `procs validate` (ms)', tool: name, values: times.get(`${name} validate`) ?? [], better: 'lower' as const },
    {
      metric: 'cold start: `procs validate` procs.example.yaml (ms)',
      tool: name,
      values: times.get(`${name} validate example`) ?? [],
      better: 'lower' as const,
    },
    {
      metric: 'cold start: `procs validate` procs.example.yaml, parsed (ms)',
      tool: name,
      values: times.get(`${name} validate example, parsed`) ?? [],
      better: 'lower' as const,
    },
    { metric: 'cold start: `procs ps` none running (ms)', tool: name, values: times.get(`${name} ps (none running)`) ?? [], better: 'lower' as const },
  ]);
  return { title: '8. CLI cold start', body, targets, samples };
}
