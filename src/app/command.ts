// What the client commands share: finding the project's socket from the command line, turning
// a ControlError into its message on stderr and procs' exit code, and `start|stop|restart UNIT…`
// (ask the running project, then say where each unit ended up: start and restart succeed when
// every unit is up again, stop when every one has stopped).
import { UsageError, type ParsedArgs } from '../cli/args.js';
import { printable } from '../base/printable.js';
import { ENDED_STATES } from '../events/types.js';
import { ControlError, type UnitRow } from '../control/api.js';
import type { ControlClient } from '../control/client.js';
import { clientFor } from './locate.js';
import type { ProjectPaths } from '../rundir/paths.js';
import { isUp } from './wait.js';

/** The `-f` files of a command line. */
export function specFiles(args: ParsedArgs): string[] {
  const v = args.flags.file;
  return typeof v === 'object' ? [...v] : [];
}

/** Runs `fn` against the running project; a ControlError becomes a message and an exit code. */
export async function withProject(args: ParsedArgs, fn: (client: ControlClient, paths: ProjectPaths) => Promise<number>): Promise<number> {
  try {
    const { client, paths } = clientFor(specFiles(args));
    return await fn(client, paths);
  } catch (err) {
    if (err instanceof ControlError) return reportError(args.command ?? '', err);
    throw err;
  }
}

/** Prints a ControlError (`procs CMD: message`, then its details indented) and returns its exit code. */
export function reportError(command: string, err: ControlError): number {
  const details = err.details.map((d) => `  ${d}\n`).join('');
  process.stderr.write(`procs ${command}: ${printable(err.message)}\n${details}`);
  return err.exitCode;
}

export type UnitVerb = 'start' | 'stop' | 'restart';

/** Runs one of the unit commands; returns procs' exit code. */
export async function unitCommand(verb: UnitVerb, args: ParsedArgs): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError(`name the units to ${verb}: procs ${verb} UNIT…`);
  return withProject(args, async (client) => {
    const { units } = await client[verb](args.positionals);
    const bad = units.filter((u) => (verb === 'stop' ? !ENDED_STATES.has(u.state) : !isUp(u)));
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
