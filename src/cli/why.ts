// `procs why`: not written yet.
import { EXIT } from '../app/exit-codes.js';
import type { ParsedArgs } from './args.js';

export async function why(_args: ParsedArgs): Promise<number> {
  process.stderr.write('procs why: not available yet\n');
  return EXIT.usage;
}
