// `procs logs [UNIT…] [-f] [-n N] [--since WHEN] [-t]`: the last N lines (those from WHEN on) of each unit from `.procs/logs/` (so it works
// when nothing runs), merged in time order and prefixed like live output; `-f` then follows new
// output through the control socket. While the project runs, the files are read only once the
// control socket has subscribed, which it answers once the files hold every line from before
// (they are written behind): no line falls between the files and the feed, and without `-f`
// the files are up to date. The few lines that arrive both ways are shown once.
import { readdirSync } from 'node:fs';
import { ControlError, type LiveBatch } from '../control/api.js';
import { ControlClient } from '../control/client.js';
import { projectPaths, recordedSocketPath } from '../rundir/paths.js';
import { readLogTail } from '../output/log-read.js';
import { PrefixRenderer } from '../output/prefix.js';
import { EXIT } from './exit-codes.js';
import { locateRoot } from './locate.js';
import { mergeByTime, withoutShown, type UnitLine } from './log-merge.js';
import { resolveUnits } from './names.js';
import type { Terminal } from './options.js';

const LOG_FILE = /^([a-z0-9][a-z0-9_-]*)(\.\d+)?\.log$/;

/** What `procs logs` was asked. */
export interface LogsOptions {
  /** `-f` files: where the project is. */
  readonly files: readonly string[];
  /** The units named (none: every unit). */
  readonly units: readonly string[];
  /** How many recent lines per unit (Infinity: every line kept). */
  readonly lines: number;
  /** Only lines stamped from this time on (epoch ms). */
  readonly sinceMs?: number | undefined;
  readonly follow: boolean;
  /** Each line shows its time (`-t`). */
  readonly timestamps?: boolean;
}

/** Shows the units' recent output (and follows it); `color` paints the prefixes. */
export async function showLogs(o: LogsOptions, t: Terminal & { readonly color: boolean }): Promise<number> {
  const n = o.lines;
  const follow = o.follow;
  const root = locateRoot(o.files);
  if (root === undefined) throw new ControlError('not-running', `no procs project in ${process.cwd()} or any folder above it`);
  const paths = projectPaths(root);
  const client = new ControlClient(recordedSocketPath(paths), root);
  const status = await client.status().catch((err: unknown) => {
    if (err instanceof ControlError && err.code === 'not-running') return undefined;
    throw err;
  });
  const known = [...(status?.units ?? []), ...unitsFromFiles(paths.logs).filter((u) => !status?.units.some((s) => s.name === u.name))];
  const names = resolveUnits(
    o.units,
    known,
    status?.pools.map((p) => p.name),
  );
  const out = printer(names, t, o.timestamps === true);
  let held: LiveBatch[] | undefined = [];
  // Without -f the feed is only for its promise about the files, so it names no unit: a unit
  // only the files know (removed since) is fine to read.
  const feed = status ? client.logs(follow ? o.units : [], (b) => (held ? held.push(b) : out.batch(b))) : undefined;
  await feed?.ready;
  if (!follow) feed?.close();
  const skip = (e: Error): void => void t.err.write(`procs logs: ${e.message}\n`);
  const shown = mergeByTime(new Map(await Promise.all(names.map(async (u) => [u, await readLogTail(paths.logs, u, n, skip, o.sinceMs)] as const))));
  out.lines(shown);
  if (!follow) return EXIT.ok;
  if (!feed) {
    t.err.write(`procs logs: not following: no procs project is running in ${root}\n`);
    return EXIT.ok;
  }
  withoutShown(held, shown).forEach((b) => out.batch(b));
  held = undefined;
  await feed.ended;
  t.err.write('procs logs: the project stopped\n');
  return EXIT.ok;
}

/** Units that have log files (instances as `pool.N`), for when nothing runs. */
function unitsFromFiles(dir: string): { name: string; kind: string; pool: string | null }[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .map((f) => LOG_FILE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: `${m[1]}${m[2] ?? ''}`, kind: m[2] ? 'instance' : 'process', pool: m[2] ? (m[1] ?? null) : null }))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

/** Writes lines from files and live batches with the live output's prefix, at their own time. */
function printer(
  names: readonly string[],
  t: Terminal & { readonly color: boolean },
  timestamps: boolean,
): { lines(l: readonly UnitLine[]): void; batch(b: LiveBatch): void } {
  let at = Date.now();
  const prefix = new PrefixRenderer(t.out, { names, color: t.color, now: () => at });
  const render = (unit: string, stream: 'stdout' | 'stderr', step: number | undefined, text: string, ts: string): string => {
    const t = Date.parse(ts);
    at = Number.isNaN(t) ? Date.now() : t;
    const shown = timestamps ? stamped(text, new Date(at).toISOString()) : text;
    return prefix.render({ unit, stream, text: shown, ...(step === undefined ? {} : { step }) });
  };
  return {
    lines(lines) {
      const text = lines.map((l) => render(l.unit, l.stream, l.step, `${l.text}\n`, l.ts)).join('');
      if (text) t.out.write(text);
    },
    batch(b) {
      if (b.dropped !== undefined) t.err.write(`procs logs: ${b.dropped} lines were dropped (reading too slowly)\n`);
      else t.out.write(render(b.unit, b.stream, b.step, b.text, b.ts));
    },
  };
}

/** Each line of `text` (newline-ended) begun with its time, as `docker compose logs -t` shows it. */
function stamped(text: string, ts: string): string {
  return text.replace(/^(?=[^\n]*\n|[^\n]+$)/gm, `${ts} `);
}
