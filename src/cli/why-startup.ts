// `procs why --startup [--json]`: the critical chain of the last startup.
// (Being written.)
import { EXIT } from '../app/exit-codes.js';
import type { ParsedArgs } from './args.js';

export async function whyStartup(_args: ParsedArgs): Promise<number> {
  process.stderr.write('procs why --startup: not available yet\n');
  return EXIT.usage;
}
