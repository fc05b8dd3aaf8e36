import { schemaText } from '../config/index.js';
import type { ParsedArgs } from './args.js';
import { EXIT } from '../app/exit-codes.js';

/** `procs schema`: the JSON Schema of the spec, for editors and other tools. */
export async function schema(_args: ParsedArgs): Promise<number> {
  process.stdout.write(schemaText().trimEnd() + '\n');
  return EXIT.ok;
}
