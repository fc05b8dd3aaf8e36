// `procs why UNIT… [--json]` and `procs why --startup`. On a running project it asks the procs
// that runs it; with none running it reads the last run from `.procs/`.
import { EXIT } from '../app/exit-codes.js';
import { explainPast, explainRunning } from '../app/why.js';
import { ControlError } from '../control/api.js';
import { colorEnabled } from '../output/colors.js';
import { clockTimeOf } from '../output/format.js';
import { whyText, type Why } from '../output/why.js';
import type { ParsedArgs } from './args.js';
import { listFlag } from './options.js';

export async function why(args: ParsedArgs): Promise<number> {
  if (args.flags.startup === true) return (await import('./why-startup.js')).whyStartup(args);
  const files = listFlag(args, 'file');
  const names = args.positionals;
  let units: readonly Why[];
  let past: { started_at: string | null } | undefined;
  try {
    units = await explainRunning(files, names);
  } catch (err) {
    if (!(err instanceof ControlError) || err.code !== 'not-running') throw err;
    const found = await explainPast(files, names);
    units = found.units;
    past = { started_at: found.started_at };
  }
  if (args.flags.json === true) {
    const from = past ? { live: false, run_started_at: past.started_at } : { live: true };
    process.stdout.write(`${JSON.stringify({ ...from, units }, null, 2)}\n`);
    return EXIT.ok;
  }
  const color = colorEnabled({ stream: process.stdout, noColorFlag: args.flags['no-color'] === true });
  const head = past ? `procs is not running: from its last run${past.started_at ? ` (started at ${clockTimeOf(past.started_at)})` : ''}\n` : '';
  const body = units.length === 0 ? 'every unit is up\n' : units.map((u) => whyText(u, { color })).join('\n');
  process.stdout.write(head + body);
  return EXIT.ok;
}
