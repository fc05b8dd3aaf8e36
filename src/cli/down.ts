// `procs down [--timeout D]`: see app/down.ts.
import { downProject } from '../app/down.js';
import { UsageError } from '../app/usage-error.js';
import { MAX_DURATION_TEXT, parseDurationArg } from '../config/durations.js';
import type { ParsedArgs } from './args.js';
import { listFlag, stringFlag } from './options.js';

/** The `--timeout` value in milliseconds, if given. */
function timeoutOf(args: ParsedArgs): number | undefined {
  const v = stringFlag(args, 'timeout');
  if (v === undefined) return undefined;
  const ms = parseDurationArg(v);
  if (ms === undefined) throw new UsageError(`--timeout expects a duration such as 10s or 500ms, at most ${MAX_DURATION_TEXT}, got '${v}'`);
  return ms;
}

/** Runs `procs down`. */
export async function down(args: ParsedArgs): Promise<number> {
  return downProject(listFlag(args, 'file'), timeoutOf(args), process.stdout);
}
