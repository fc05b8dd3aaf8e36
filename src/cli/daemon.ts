// The hidden command the daemon runs as (`main.js __daemon up …`, see app/detach.ts): its
// stderr is procs.log.
import { daemonMain } from '../app/daemon.js';
import type { ParsedArgs } from './args.js';
import { upOptions } from './up.js';

/** Runs the daemon for the `up` command line `args`. */
export function daemon(args: ParsedArgs): Promise<number> {
  return daemonMain(upOptions(args, undefined), process.stderr);
}
