// `procs logs [UNIT…] [-f] [-n N]`: see app/logs.ts.
import { EXIT } from '../app/exit-codes.js';
import { showLogs } from '../app/logs.js';
import { UsageError } from '../app/usage-error.js';
import { colorEnabled } from '../output/colors.js';
import type { ParsedArgs } from './args.js';
import { listFlag } from './options.js';

const DEFAULT_LINES = 100;

/** Runs `procs logs`. */
export async function logs(args: ParsedArgs): Promise<number> {
  const lines = linesOf(args);
  process.stdout.on('error', () => process.exit(EXIT.ok)); // the reader went away (`| head`)
  const color = colorEnabled({ stream: process.stdout, noColorFlag: args.flags['no-color'] === true });
  return showLogs(
    { files: listFlag(args, 'file'), units: args.positionals, lines, follow: args.flags.follow === true },
    { out: process.stdout, err: process.stderr, color },
  );
}

/** `-n N`: how many lines per unit. */
function linesOf(args: ParsedArgs): number {
  const v = args.flags.lines;
  if (typeof v !== 'string') return DEFAULT_LINES;
  if (!/^\d+$/.test(v)) throw new UsageError(`-n expects a whole number of lines, got '${v}'`);
  return Number(v);
}
