// `procs start UNIT…`: start units of the running project (and what they need); returns once each is up.
import { unitCommand } from '../app/command.js';
import type { ParsedArgs } from './args.js';

/** Runs `procs start`. */
export async function start(args: ParsedArgs): Promise<number> {
  return unitCommand('start', args);
}
