// `procs reload`: the running project reads its spec again and reconciles to it. A spec with
// errors changes nothing; the errors are printed and procs exits 2.
import { withProject } from '../control/command.js';
import type { ParsedArgs } from './args.js';
import { EXIT } from './exit-codes.js';

/** Runs `procs reload`. */
export async function reload(args: ParsedArgs): Promise<number> {
  return withProject(args, async (client) => {
    const { actions, warnings } = await client.reload({});
    for (const w of warnings) process.stderr.write(`${w}\n`);
    process.stdout.write(actions.length > 0 ? `reloaded: ${actions.join(', ')}\n` : 'reloaded: nothing changed\n');
    return EXIT.ok;
  });
}
