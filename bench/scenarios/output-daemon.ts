// Scenario 3, through a daemon: `procs up -d` with the 4 printers writing into `.procs/logs/*.log`
// against pm2's daemon (`pm2 start ecosystem.json`) writing `PM2_HOME/logs/*-out.log`. Timed from
// the launch command until the log files hold every byte expected (file sizes polled), then every
// line checked: whole, and in order. Each daemon is stopped after (`procs down`, `pm2 kill`), and
// the run's token kills whatever is left.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR, WORKLOADS } from '../lib/paths.js';
import { TOKEN_VAR } from '../lib/procfs.js';
import { type Sample, type ScenarioOptions, table, verdict } from '../lib/report.js';
import { withRun } from '../lib/run.js';
import { median, ms, ratio } from '../lib/stats.js';
import { writeProcsSpec } from '../lib/tools.js';
import { LineCheck } from './output-check.js';

const TIMEOUT_MS = 60_000;
const POLL_MS = 10;
/** A procs log line's head: `2025-05-01T10:04:31.123Z out `. */
const PROCS_HEAD = 29;

interface DaemonTool {
  readonly name: string;
  /** Writes the config, starts the daemon; the log file of each child and each line's extra bytes. */
  launch(dir: string, env: NodeJS.ProcessEnv, children: readonly string[][]): { files: string[]; head: number; cmd: string[] };
  /** The command that stops the daemon. */
  stop(dir: string): string[];
}

const PM2 = join(PEERS_DIR, 'node_modules/pm2/bin/pm2');

/** procs' daemons: every procs tree of the run (this tree, and `--compare`'s). */
function procsDaemon(name: string, main: string): DaemonTool {
  return {
    name,
    launch(dir, _env, children) {
      writeProcsSpec({ dir, children: children.map((argv, i) => ({ name: `p${i + 1}`, argv })) });
      return { files: children.map((_, i) => join(dir, '.procs/logs', `p${i + 1}.log`)), head: PROCS_HEAD, cmd: [process.execPath, main, 'up', '-d'] };
    },
    stop: () => [process.execPath, main, 'down'],
  };
}

const pm2Daemon: DaemonTool = {
  name: 'pm2',
  launch(dir, env, children) {
    const apps = children.map((argv, i) => ({ name: `p${i + 1}`, script: argv[0], args: argv.slice(1), interpreter: 'none', cwd: dir, autorestart: false }));
    writeFileSync(join(dir, 'ecosystem.json'), JSON.stringify({ apps }));
    const home = env.PM2_HOME ?? '';
    return { files: children.map((_, i) => join(home, 'logs', `p${i + 1}-out.log`)), head: 0, cmd: [process.execPath, PM2, 'start', 'ecosystem.json'] };
  },
  stop: () => [process.execPath, PM2, 'kill'],
};

/** Runs a command to its end (output dropped); resolves with its exit code. */
function run(argv: readonly string[], dir: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  const [file, ...args] = argv;
  const child = spawn(file ?? 'false', args, { cwd: dir, env, stdio: 'ignore' });
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
}

const size = (f: string): number => (existsSync(f) ? statSync(f).size : 0);

interface DaemonOutcome {
  readonly totalMs: number;
  readonly bad: number;
}

// One run: launch, poll the log files' sizes until they hold every expected byte, check, stop.
async function once(tool: DaemonTool, children: readonly string[][], lines: number): Promise<DaemonOutcome> {
  return withRun(`output-daemon-${tool.name}`, async (ctx) => {
    const env = { ...process.env, [TOKEN_VAR]: ctx.token, NO_COLOR: '1', PM2_HOME: join(ctx.dir, 'pm2home') };
    mkdirSync(env.PM2_HOME, { recursive: true });
    const { files, head, cmd } = tool.launch(ctx.dir, env, children);
    const expected = children.map((_, i) => payloadBytes(i + 1, lines) + head * lines);
    const started = performance.now();
    const launched = run(cmd, ctx.dir, env);
    let totalMs = Number.NaN;
    while (performance.now() - started < TIMEOUT_MS) {
      if (files.every((f, i) => size(f) >= (expected[i] ?? 0))) {
        totalMs = performance.now() - started;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    await launched;
    await run(tool.stop(ctx.dir), ctx.dir, env);
    let bad = 0;
    for (const f of files) {
      const check = new LineCheck(children.length, 0);
      check.feed(existsSync(f) ? readFileSync(f, 'latin1') : '', 0);
      bad += lines - check.good + check.garbled;
    }
    return { totalMs, bad };
  });
}

/** Bytes of `L<id>:1\n` … `L<id>:<lines>\n`. */
function payloadBytes(id: number, lines: number): number {
  let bytes = 0;
  for (let n = 1; n <= lines; n++) bytes += `L${id}:${n}\n`.length;
  return bytes;
}

/** The daemon part of scenario 3: every procs tree and pm2 (when installed), in the same rounds. */
export async function daemonOutput(o: ScenarioOptions, count: number, lines: number): Promise<{ body: string; targets: string[]; samples: Sample[] }> {
  const children = Array.from({ length: count }, (_, i) => [join(WORKLOADS, 'printer.sh'), String(i + 1), String(lines)]);
  const tools = [
    ...o.tools.flatMap((t) => (t.main !== undefined ? [procsDaemon(t.name, t.main)] : [])),
    ...(o.tools.some((t) => t.name === 'pm2') && existsSync(PM2) ? [pm2Daemon] : []),
  ];
  const results = new Map<string, DaemonOutcome[]>();
  for (let round = 0; round < Math.min(o.reps, 3); round++) {
    for (const tool of tools) {
      const r = await once(tool, children, lines);
      results.set(tool.name, [...(results.get(tool.name) ?? []), r]);
      o.log(`output daemon ${tool.name}: ${JSON.stringify(r)}`);
    }
  }
  const procsName = o.tools[0]?.name ?? '';
  // Runs whose files never held every line (timed out) are counted apart, not in the median.
  const timeOf = (name: string): number | undefined => {
    const done = (results.get(name) ?? []).map((r) => r.totalMs).filter(Number.isFinite);
    return done.length === 0 ? undefined : median(done);
  };
  const rows = tools.map((t) => {
    const rs = results.get(t.name) ?? [];
    const short = rs.filter((r) => !Number.isFinite(r.totalMs)).length;
    return [t.name, ms(timeOf(t.name)), ratio(timeOf(procsName), timeOf(t.name)), `${short} of ${rs.length}`, String(Math.max(0, ...rs.map((r) => r.bad)))];
  });
  const procsMs = timeOf(procsName);
  const pm2Ms = timeOf('pm2');
  const bad = Math.max(0, ...(results.get(procsName) ?? []).map((r) => r.bad));
  const targets =
    pm2Ms === undefined
      ? []
      : [
          `Output through a daemon into log files no slower than pm2, nothing lost: procs ${ms(procsMs)}, pm2 ${ms(pm2Ms)}, ${bad} lines lost or broken — ${verdict((procsMs ?? Infinity) <= pm2Ms && bad === 0)}`,
        ];
  const body = [
    '**Through a daemon, into log files**',
    '',
    table(
      [
        'daemon',
        'launch → log files complete (median of complete runs)',
        'procs ÷ daemon (time)',
        `runs never complete (${TIMEOUT_MS / 1000} s)`,
        'lines lost, not whole or not in order (worst run)',
      ],
      rows,
    ),
    '',
    `\`procs up -d\` against \`pm2 start ecosystem.json\` (its own PM2_HOME), the same ${count} printers. Timed from the launch`,
    'command until every log file (`.procs/logs/p1.log` …, `PM2_HOME/logs/p1-out.log` …) holds the bytes expected (sizes polled',
    `every ${POLL_MS} ms); then every line is read back and checked. Each daemon is stopped after (\`procs down\`, \`pm2 kill\`).`,
  ].join('\n');
  const samples = tools.map((t) => ({
    metric: 'output through a daemon into log files (ms)',
    tool: t.name,
    values: (results.get(t.name) ?? []).map((r) => r.totalMs),
    better: 'lower' as const,
  }));
  return { body, targets, samples };
}
