// `procs start UNIT…`: start units of the running project (and what they need); returns once each is up.
import { unitVerb } from './unit-command.js';
import type { ParsedArgs } from './args.js';

/** Runs `procs start`. */
export async function start(args: ParsedArgs): Promise<number> {
  return unitVerb('start', args);
}
