// `procs down [--timeout D]`: stop every unit and the project's procs; returns once every unit
// is gone and the socket and pid files are removed.
import { withProject } from '../control/command.js';
import { MAX_DURATION_TEXT, parseDurationArg } from '../config/durations.js';
import { printable } from '../config/printable.js';
import type { ProcsEvent } from '../events/types.js';
import { formatDuration } from '../output/format.js';
import { UsageError, type ParsedArgs } from './args.js';
import { EXIT } from './exit-codes.js';

/** The `--timeout` value in milliseconds, if given. */
function timeoutOf(args: ParsedArgs): number | undefined {
  const v = args.flags.timeout;
  if (typeof v !== 'string') return undefined;
  const ms = parseDurationArg(v);
  if (ms === undefined) throw new UsageError(`--timeout expects a duration such as 10s or 500ms, at most ${MAX_DURATION_TEXT}, got '${v}'`);
  return ms;
}

/** Runs `procs down`. */
export async function down(args: ParsedArgs): Promise<number> {
  const timeoutMs = timeoutOf(args);
  return withProject(args, async (client) => {
    const started = Date.now();
    let stopped = 0;
    const onEvent = (e: ProcsEvent): void => {
      if (e.type !== 'stop' || e.state !== 'stopped' || e.unit === 'procs') return;
      stopped += 1;
      if (e.forced) process.stdout.write(`${e.unit}: killed with SIGKILL after its stop timeout\n`);
    };
    await client.down(timeoutMs === undefined ? {} : { timeoutMs }, onEvent);
    const units = `${stopped} ${stopped === 1 ? 'unit' : 'units'}`;
    process.stdout.write(`down: ${printable(client.root)} (${units} stopped in ${formatDuration(Date.now() - started)})\n`);
    return EXIT.ok;
  });
}
