// `procs restart UNIT…`: restart units of the running project; returns once each runs again (ready, with a readiness probe).
import { unitVerb } from './unit-command.js';
import type { ParsedArgs } from './args.js';

/** Runs `procs restart`. */
export async function restart(args: ParsedArgs): Promise<number> {
  return unitVerb('restart', args);
}
