// `procs ps [--json]`: every unit of the running project, as a table or as JSON.
import { psTable } from '../app/ps-format.js';
import { withProject } from '../app/command.js';
import type { ParsedArgs } from './args.js';
import { printable } from '../base/printable.js';
import { EXIT } from './exit-codes.js';

/** Prints the units of the running project. */
export async function ps(args: ParsedArgs): Promise<number> {
  return withProject(args, async (client) => {
    const status = await client.status();
    if (args.flags.json === true) {
      process.stdout.write(`${JSON.stringify({ project: status.project, files: status.files, units: status.units }, null, 2)}\n`);
    } else if (status.units.length === 0) {
      process.stdout.write(`${printable(status.project)}: no units\n`);
    } else {
      process.stdout.write(`${psTable(status.units, Date.now())}\n`);
    }
    return EXIT.ok;
  });
}
