// `procs why UNIT… [--json]` and `procs why --startup`.
// (Being written.)
import { EXIT } from '../app/exit-codes.js';
import type { ParsedArgs } from './args.js';

export async function why(args: ParsedArgs): Promise<number> {
  if (args.flags.startup === true) return (await import('./why-startup.js')).whyStartup(args);
  process.stderr.write('procs why: not available yet\n');
  return EXIT.usage;
}
