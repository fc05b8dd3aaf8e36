// Scenario 10, commands against a running daemon: 100 sleepers under `procs up -d` and the same
// 100 under the PM2 daemon, then in interleaved rounds the wall time of `procs ps` (and
// `ps --json`) against `pm2 jlist` and `pm2 ls`, and of `procs restart c42` against
// `pm2 restart c42`, each until the restarted child's new run has written its ready marker.
import { join } from 'node:path';
import { type Daemon, ok, pm2Daemon, pm2Missing, procsDaemon, timed } from '../lib/daemons.js';
import { WORKLOADS } from '../lib/paths.js';
import { type Sample, type ScenarioOptions, type Section, table, verdict } from '../lib/report.js';
import { type RunContext, withRun } from '../lib/run.js';
import { median, ms, ratio } from '../lib/stats.js';
import type { ChildSpec } from '../lib/tools.js';

const CHILDREN = 100;
/** The unit restarted in the restart rounds. */
const TARGET = 'c42';
/** Rounds per `--reps`: each round runs every command once. */
const ROUNDS_PER_REP = 3;

/** What one command is called as, per tool: the metric, the daemon, its arguments. */
interface Probe {
  readonly metric: string;
  readonly tool: string;
  readonly daemon: Daemon;
  readonly args: readonly string[];
  /** Whether it restarts TARGET (then timed until its new run's marker). */
  readonly restart?: boolean;
}

/** The baseline row: a bare Node start. */
const FLOOR = 'node -e 0 (floor)';
const PS = '`ps` (table) (ms)';
const PS_JSON = '`ps --json` (ms)';
const RESTART = '`restart c42` until ready (ms)';
const RESTART_RETURN = '`restart c42` until the command returned (ms)';

// Times one probe; for a restart, until both the command has returned and the new run's marker came.
async function measure(ctx: RunContext, p: Probe, into: Map<string, number[]>): Promise<void> {
  const add = (metric: string, v: number): void => void into.set(`${metric}\0${p.tool}`, [...(into.get(`${metric}\0${p.tool}`) ?? []), v]);
  const before = ctx.markers.count;
  const t = ok(`${p.tool} ${p.args.join(' ')}`, await p.daemon.run(p.args));
  if (!p.restart) return add(p.metric, t.ms);
  const marker = await ctx.markers.waitFor(before + 1, 15_000);
  if (marker === undefined) throw new Error(`${p.tool}: no ready marker after ${p.args.join(' ')}`);
  add(RESTART, Math.max(t.ended, marker) - t.started);
  add(RESTART_RETURN, t.ms);
}

export async function commandLatency(o: ScenarioOptions): Promise<Section> {
  const procsTools = o.tools.filter((t) => t.main !== undefined);
  const withPm2 = o.tools.some((t) => t.name.startsWith('pm2')) && pm2Missing() === undefined;
  const rounds = Math.max(3, o.reps * ROUNDS_PER_REP);
  const times = new Map<string, number[]>();
  await withRun('commands', async (ctx) => {
    const children: ChildSpec[] = Array.from({ length: CHILDREN }, (_, i) => ({ name: `c${i}`, argv: [join(WORKLOADS, 'ready.sh'), ctx.markers.path] }));
    const daemons: Daemon[] = [];
    try {
      for (const [i, t] of procsTools.entries()) daemons.push(await procsDaemon(ctx, t.name, t.main ?? '', children, join(ctx.dir, `procs${i}`)));
      if (withPm2) daemons.push(await pm2Daemon(ctx, children));
      if ((await ctx.markers.waitFor(CHILDREN * daemons.length, 60_000)) === undefined) throw new Error('the children of the daemons did not all start');
      const probes: Probe[] = daemons.flatMap((d): Probe[] =>
        d.name === 'pm2'
          ? [
              { metric: PS, tool: 'pm2 ls', daemon: d, args: ['ls'] },
              { metric: PS_JSON, tool: 'pm2 jlist', daemon: d, args: ['jlist'] },
              { metric: RESTART, tool: 'pm2', daemon: d, args: ['restart', TARGET], restart: true },
            ]
          : [
              { metric: PS, tool: d.name, daemon: d, args: ['ps'] },
              { metric: PS_JSON, tool: d.name, daemon: d, args: ['ps', '--json'] },
              { metric: RESTART, tool: d.name, daemon: d, args: ['restart', TARGET], restart: true },
            ],
      );
      // The floor of any command that starts Node: `node -e 0`, as a daemon-less "daemon".
      const node: Daemon = { name: FLOOR, run: (args) => timed(process.execPath, args, ctx.dir, {}), stop: () => timed('true', [], ctx.dir, {}) };
      probes.push({ metric: PS, tool: FLOOR, daemon: node, args: ['-e', '0'] });
      // One warm-up round (page cache, compile caches), not counted.
      const warm = new Map<string, number[]>();
      for (const p of probes) await measure(ctx, p, warm);
      for (let round = 0; round < rounds; round++) {
        // The order of the tools alternates per round: the second place can be favoured.
        const order = round % 2 === 0 ? probes : [...probes].reverse();
        for (const p of order) await measure(ctx, p, times);
      }
      o.log(`commands: ${[...times].map(([k, v]) => `${k.replace('\0', ' ')} ${ms(median(v))}`).join('; ')}`);
    } finally {
      for (const d of daemons) {
        const t = await d.stop();
        if (t.status !== 0) o.log(`commands: ${d.name} stop exited ${String(t.status)}: ${t.stderr.slice(-300)}`);
      }
    }
  });
  const med = (metric: string, tool: string): number => median(times.get(`${metric}\0${tool}`) ?? []);
  const first = procsTools[0]?.name ?? 'procs';
  const tools = [...procsTools.map((t) => t.name), ...(withPm2 ? ['pm2 jlist', 'pm2 ls', 'pm2'] : []), FLOOR];
  const rows: string[][] = [];
  for (const metric of [PS, PS_JSON, RESTART, RESTART_RETURN]) {
    for (const tool of tools) {
      const v = med(metric, tool);
      if (Number.isNaN(v)) continue;
      const peer = metric === RESTART || metric === RESTART_RETURN ? med(metric, 'pm2') : med(PS_JSON, 'pm2 jlist');
      rows.push([metric.replace(' (ms)', ''), tool, ms(v), tool.startsWith('pm2') || tool === FLOOR ? '' : ratio(v, peer)]);
    }
  }
  const ps = med(PS, first);
  const jlist = med(PS_JSON, 'pm2 jlist');
  const rs = med(RESTART, first);
  const pm2rs = med(RESTART, 'pm2');
  const targets = withPm2
    ? [
        `\`procs ps\` against a daemon of ${CHILDREN} units no slower than \`pm2 jlist\`: ${ms(ps)} / ${ms(jlist)} = ${ratio(ps, jlist)} — ${verdict(ps <= jlist)}`,
        `\`procs restart ${TARGET}\` until ready no slower than \`pm2 restart\`: ${ms(rs)} / ${ms(pm2rs)} = ${ratio(rs, pm2rs)} — ${verdict(rs <= pm2rs)}`,
      ]
    : [`Commands: pm2 not available, procs alone: \`ps\` ${ms(ps)}, \`restart\` until ready ${ms(rs)}`];
  const body = [
    table(['command', 'tool', 'wall time (median)', 'procs ÷ pm2'], rows),
    '',
    `${CHILDREN} children (\`ready.sh\`, which writes a marker and becomes \`sleep\`) under \`procs up -d --wait\` and under the PM2`,
    'daemon (`pm2 start ecosystem.json`, its own PM2_HOME), both running at once. Then one warm-up round and',
    `${rounds} interleaved rounds (the order reversed every other round), each command a fresh process (output piped).`,
    "`procs ps` and `ps --json` are compared with `pm2 jlist` (PM2's full list; `pm2 ls`, its table, is shown beside it);",
    '`node -e 0` in the same rounds is the floor of any command that starts Node.',
    `A restart is timed from the command's launch until it has returned and the child's new run has written its marker`,
    `(\`procs restart\` returns once the unit runs again; \`pm2 restart\` once the process is online); the time until the`,
    'command returned is shown too. Stopped after by `procs down` and `pm2 kill`, and the run token.',
  ].join('\n');
  const samples: Sample[] = [...times].map(([key, values]) => {
    const [metric = '', tool = ''] = key.split('\0');
    return { metric: `commands: ${metric}`, tool, values, better: 'lower' as const };
  });
  return { title: '10. Commands against a running daemon', body, targets, samples };
}
