// What `procs start|stop|restart [UNIT…]` share: ask the running project (no names: every unit,
// as docker compose and overmind do), then say where each unit ended up (exit 1 unless every
// one got there).
import { describeRow, unitCommand, type UnitVerb } from '../app/command.js';
import { EXIT } from '../app/exit-codes.js';
import type { ParsedArgs } from './args.js';
import { listFlag } from './options.js';

/** Runs one of the unit commands; returns procs' exit code. */
export async function unitVerb(verb: UnitVerb, args: ParsedArgs): Promise<number> {
  const { units, ok } = await unitCommand(verb, listFlag(args, 'file'), args.positionals);
  for (const u of units) process.stdout.write(`${describeRow(u)}\n`);
  if (units.length === 0) process.stdout.write(`no units to ${verb} (a pool scaled to 0?)\n`);
  return ok ? EXIT.ok : EXIT.failed;
}
