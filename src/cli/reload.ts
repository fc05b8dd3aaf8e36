// `procs reload`: the running project reads its spec again and reconciles to it. A spec with
// errors changes nothing; the errors are printed and procs exits 2.
// With `-f FILE…`, the project runs those files from then on (and says it switched).
import { resolve } from 'node:path';
import { reloadProject } from '../app/command.js';
import { EXIT } from '../app/exit-codes.js';
import { switchedNotice } from '../app/up-report.js';
import type { ParsedArgs } from './args.js';
import { listFlag } from './options.js';

/** Runs `procs reload`. */
export async function reload(args: ParsedArgs): Promise<number> {
  const files = listFlag(args, 'file');
  const { actions, warnings, switched, root } = await reloadProject(
    files,
    files.map((f) => resolve(f)),
  );
  for (const w of warnings) process.stderr.write(`${w}\n`);
  process.stdout.write(actions.length > 0 ? `reloaded: ${actions.join(', ')}\n` : 'reloaded: nothing changed\n');
  if (switched) process.stdout.write(`${switchedNotice(root, switched)}\n`);
  return EXIT.ok;
}
