// `procs ps [--json | --format json] [-q]`: every unit of the running project with what its
// process tree uses, as a table, as JSON, or (-q) only the names, one a line, for scripts
// (`procs ps -q | xargs …`).
import { projectStatus, projectUsage } from '../app/command.js';
import { EXIT } from '../app/exit-codes.js';
import { psTable, rowsWithUsage } from '../app/ps-format.js';
import { UsageError } from '../app/usage-error.js';
import { printable } from '../base/printable.js';
import type { ParsedArgs } from './args.js';
import { listFlag, stringFlag } from './options.js';

/** Prints the units of the running project. */
export async function ps(args: ParsedArgs): Promise<number> {
  const json = jsonAsked(args);
  if (json && args.flags.quiet === true) throw new UsageError('-q prints names only; it cannot be combined with JSON');
  const files = listFlag(args, 'file');
  if (args.flags.quiet === true) {
    const status = await projectStatus(files);
    process.stdout.write(status.units.map((u) => `${u.name}\n`).join(''));
    return EXIT.ok;
  }
  const { status, usage } = await projectUsage(files);
  if (json) {
    const units = usage === undefined ? status.units : rowsWithUsage(status.units, usage);
    const total = usage === undefined ? {} : { total: usage.total };
    process.stdout.write(`${JSON.stringify({ project: status.project, files: status.files, units, ...total }, null, 2)}\n`);
  } else if (status.units.length === 0) {
    process.stdout.write(`${printable(status.project)}: no units\n`);
  } else {
    process.stdout.write(`${psTable(status.units, Date.now(), usage)}\n`);
  }
  return EXIT.ok;
}

/** `--json` or `--format json` (docker compose's spelling); `--format table` is the default. */
function jsonAsked(args: ParsedArgs): boolean {
  const format = stringFlag(args, 'format');
  if (format !== undefined && format !== 'json' && format !== 'table') throw new UsageError(`--format is table or json, got '${format}'`);
  if (format === 'table' && args.flags.json === true) throw new UsageError('--format table contradicts --json');
  return format === 'json' || args.flags.json === true;
}
