// `procs run [UNIT…] [--attach] -- CMD…`: see app/run.ts.
import { UsageError } from '../app/usage-error.js';
import type { ParsedArgs } from './args.js';
import { profilesOf, specRequest, waitTimeoutOf, watchFlags } from './options.js';
import { reportRequest } from './report-options.js';
import { display } from './terminal.js';

/** Runs `procs run`; exits with CMD's status. */
export async function run(args: ParsedArgs): Promise<number> {
  const cmd = args.rest ?? [];
  if (cmd.length === 0) throw new UsageError('needs a command after --, e.g. procs run -- npm test');
  const timeoutMs = waitTimeoutOf(args);
  const report = reportRequest(args);
  if (args.flags.attach === true && args.flags.report !== undefined)
    throw new UsageError('--report works on the project procs run starts itself, not with --attach');
  const o = {
    spec: specRequest(args),
    units: args.positionals,
    cmd,
    watch: watchFlags(args),
    attach: args.flags.attach === true,
    timeoutMs,
    profiles: profilesOf(args),
    ...(report ? { report } : {}),
  };
  return (await import('../app/run.js')).runWithUnits(o, display(args));
}
