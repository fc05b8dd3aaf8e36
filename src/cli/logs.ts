// `procs logs [UNIT…] [-f] [-n N] [--since WHEN] [-t]`: see app/logs.ts. docker compose's
// `--tail N` is the same as -n.
import { MAX_DURATION_TEXT, parseDurationArg } from '../config/durations.js';
import { EXIT } from '../app/exit-codes.js';
import { showLogs } from '../app/logs.js';
import { UsageError } from '../app/usage-error.js';
import { colorEnabled } from '../output/colors.js';
import type { ParsedArgs } from './args.js';
import { listFlag, stringFlag } from './options.js';

const DEFAULT_LINES = 100;

/** Runs `procs logs`. */
export async function logs(args: ParsedArgs): Promise<number> {
  const sinceMs = sinceOf(args, Date.now());
  const lines = linesOf(args, sinceMs !== undefined);
  process.stdout.on('error', () => process.exit(EXIT.ok)); // the reader went away (`| head`)
  const color = colorEnabled({ stream: process.stdout, noColorFlag: args.flags['no-color'] === true });
  return showLogs(
    { files: listFlag(args, 'file'), units: args.positionals, lines, sinceMs, follow: args.flags.follow === true, timestamps: args.flags.timestamps === true },
    { out: process.stdout, err: process.stderr, color },
  );
}

/** `-n N` (or `all`): how many lines per unit; with --since and no -n, every line since then. */
function linesOf(args: ParsedArgs, since: boolean): number {
  const v = args.flags.lines;
  if (typeof v !== 'string') return since ? Infinity : DEFAULT_LINES;
  if (v === 'all') return Infinity;
  if (!/^\d+$/.test(v)) throw new UsageError(`-n expects a whole number of lines (or all), got '${v}'`);
  return Number(v);
}

/** `--since 5m` (back from `now`) or `--since 2026-01-02T15:04:05Z`: the time in epoch ms. */
export function sinceOf(args: ParsedArgs, now: number): number | undefined {
  const v = stringFlag(args, 'since');
  if (v === undefined) return undefined;
  const back = parseDurationArg(v);
  if (back !== undefined) return now - back;
  const at = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(at))
    throw new UsageError(`--since expects a duration such as 5m (at most ${MAX_DURATION_TEXT}) or a time such as 2026-01-02T15:04:05Z, got '${v}'`);
  return at;
}
