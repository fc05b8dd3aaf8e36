// `procs start|stop|restart UNIT…`: ask the running project, then say where each unit ended up.
// Start and restart succeed when every unit is up again; stop when every one has stopped.
import { UsageError, type ParsedArgs } from '../cli/args.js';
import type { UnitRow } from './api.js';
import { withProject } from './command.js';
import { isUp } from './wait.js';

export type UnitVerb = 'start' | 'stop' | 'restart';

const DONE_STOPPING: ReadonlySet<string> = new Set(['stopped', 'completed', 'failed', 'skipped']);

/** Runs one of the unit commands; returns procs' exit code. */
export async function unitCommand(verb: UnitVerb, args: ParsedArgs): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError(`name the units to ${verb}: procs ${verb} UNIT…`);
  return withProject(args, async (client) => {
    const { units } = await client[verb](args.positionals);
    const bad = units.filter((u) => (verb === 'stop' ? !DONE_STOPPING.has(u.state) : !isUp(u)));
    for (const u of units) process.stdout.write(`${describeRow(u)}\n`);
    if (units.length === 0) process.stdout.write(`no units to ${verb} (a pool scaled to 0?)\n`);
    return bad.length > 0 ? 1 : 0;
  });
}

/** `api: ready (pid 4242)`, `worker.1: failed — exited with code 3`. */
export function describeRow(u: UnitRow): string {
  const pid = u.pid === null ? '' : ` (pid ${u.pid})`;
  const why = u.reason && (u.state === 'failed' || u.state === 'skipped') ? ` — ${u.reason}` : '';
  return `${u.name}: ${u.state}${pid}${why}`;
}
