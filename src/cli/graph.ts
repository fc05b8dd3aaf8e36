// `procs graph`: not written yet.
import { EXIT } from '../app/exit-codes.js';
import type { ParsedArgs } from './args.js';

export async function graph(_args: ParsedArgs): Promise<number> {
  process.stderr.write('procs graph: not available yet\n');
  return EXIT.usage;
}
