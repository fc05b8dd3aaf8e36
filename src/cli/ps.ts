// `procs ps [--json]`: every unit of the running project, as a table or as JSON.
import { projectStatus } from '../app/command.js';
import { EXIT } from '../app/exit-codes.js';
import { psTable } from '../app/ps-format.js';
import { printable } from '../base/printable.js';
import type { ParsedArgs } from './args.js';
import { listFlag } from './options.js';

/** Prints the units of the running project. */
export async function ps(args: ParsedArgs): Promise<number> {
  const status = await projectStatus(listFlag(args, 'file'));
  if (args.flags.json === true) {
    process.stdout.write(`${JSON.stringify({ project: status.project, files: status.files, units: status.units }, null, 2)}\n`);
  } else if (status.units.length === 0) {
    process.stdout.write(`${printable(status.project)}: no units\n`);
  } else {
    process.stdout.write(`${psTable(status.units, Date.now())}\n`);
  }
  return EXIT.ok;
}
