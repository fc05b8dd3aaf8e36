// `procs init`: a commented procs.yaml from the Procfile or package.json scripts in this folder.
import { EXIT } from '../app/exit-codes.js';
import { initProject, type InitResult } from '../app/init.js';
import type { InitSource } from '../app/init-spec.js';
import { UsageError } from '../app/usage-error.js';
import { printable } from '../base/printable.js';
import type { ParsedArgs } from './args.js';
import { stringFlag } from './options.js';

const SOURCES: Readonly<Record<string, InitSource>> = { procfile: 'procfile', package: 'package' };

/** Writes procs.yaml and says what it holds and what to do next. */
export async function init(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError(`'procs init' takes no arguments (got '${args.positionals.join(' ')}')`);
  const from = stringFlag(args, 'from');
  if (from !== undefined && !Object.hasOwn(SOURCES, from)) throw new UsageError(`--from expects procfile or package, got '${from}'`);
  let made: InitResult;
  try {
    made = initProject(process.cwd(), from === undefined ? undefined : SOURCES[from]);
  } catch (err) {
    if (err instanceof UsageError || !(err instanceof Error)) throw err;
    process.stderr.write(`procs init: cannot write procs.yaml: ${printable(err.message)}\n`);
    return EXIT.failed;
  }
  const origin =
    made.source === 'procfile'
      ? 'the Procfile'
      : made.source === 'package'
        ? 'the scripts of package.json'
        : 'an example (no Procfile or dev/start script here)';
  const n = made.units.length;
  process.stdout.write(
    `wrote ${printable(made.file)}: ${n} unit${n === 1 ? '' : 's'} (${printable(made.units.join(', '))}) from ${origin}\n` +
      'next: read it over, then `procs up` (`procs config` shows it resolved)\n',
  );
  return EXIT.ok;
}
