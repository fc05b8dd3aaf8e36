// Scenario 8, CLI cold start: `procs --version` and `procs validate` (a 3-process spec) against
// `node -e 0`, and the peers' `--version`; medians of interleaved rounds.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR, TMP } from '../lib/paths.js';
import { type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { median, ms, ratio } from '../lib/stats.js';

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
  const commands: [string, string, string[]][] = [
    ['node -e 0', process.execPath, ['-e', '0']],
    ...procsMains.flatMap(([name, main]): [string, string, string[]][] => [
      [`${name} --version`, process.execPath, [main, '--version']],
      [`${name} validate`, process.execPath, [main, 'validate']],
    ]),
    ...(has('concurrently')
      ? [['concurrently --version', process.execPath, [peer('concurrently/dist/bin/concurrently.js'), '--version']] as [string, string, string[]]]
      : []),
    ...(has('nodemon') ? [['nodemon --version', process.execPath, [peer('nodemon/bin/nodemon.js'), '--version']] as [string, string, string[]]] : []),
    ...(has('nf') ? [['nf --help', process.execPath, [peer('foreman/nf.js'), '--help']] as [string, string, string[]]] : []),
  ];
  const times = new Map<string, number[]>();
  const failures = new Map<string, string>();
  // One warm-up round fills the page cache (and procs' compile cache) for everyone alike.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, file, args] of commands) {
      const t0 = performance.now();
      const r = spawnSync(file, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
      const t = performance.now() - t0;
      if (r.status !== 0) failures.set(name, `status ${String(r.status)}: ${String(r.stderr).slice(0, 200)}`);
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
  const targets = [
    `\`procs --version\` within 1.3× of \`node -e 0\`: ${ms(v)} / ${ms(base)} = ${ratio(v, base)} — ${verdict(v <= 1.3 * base)}`,
    `\`procs validate\` within 2× of \`node -e 0\`: ${ms(val)} / ${ms(base)} = ${ratio(val, base)} — ${verdict(val <= 2 * base)}`,
  ];
  const body = [
    table(['command', 'wall time (median)', '÷ node -e 0', 'failure'], rows),
    '',
    `Median of ${ROUNDS} interleaved rounds after one warm-up round, each a fresh process (spawnSync, output piped).`,
    '`validate` checks a 3-process spec. nf has no `--version`; its `--help` stands in.',
  ].join('\n');
  const samples = procsMains.flatMap(([name]) => [
    { metric: 'cold start: `procs --version` (ms)', tool: name, values: times.get(`${name} --version`) ?? [], better: 'lower' as const },
    { metric: 'cold start: `procs validate` (ms)', tool: name, values: times.get(`${name} validate`) ?? [], better: 'lower' as const },
  ]);
  return { title: '8. CLI cold start', body, targets, samples };
}
