// `procs stop UNIT…`: stop units of the running project; returns once each has stopped.
import { unitVerb } from './unit-command.js';
import type { ParsedArgs } from './args.js';

/** Runs `procs stop`. */
export async function stop(args: ParsedArgs): Promise<number> {
  return unitVerb('stop', args);
}
