// `procs down [--timeout D]`: stop every unit and the project's procs; returns once every unit
// is gone and the socket and pid files are removed.
import { ControlError } from '../control/api.js';
import { withProject } from '../control/command.js';
import { describeOrphans, endOrphansOf } from '../control/orphans.js';
import { parseDuration } from '../config/durations.js';
import type { ProcsEvent } from '../events/types.js';
import { formatDuration } from '../output/format.js';
import { UsageError, type ParsedArgs } from './args.js';
import { EXIT } from './exit-codes.js';

/** The `--timeout` value in milliseconds, if given. */
function timeoutOf(args: ParsedArgs): number | undefined {
  const v = args.flags.timeout;
  if (typeof v !== 'string') return undefined;
  const ms = parseDuration(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  if (ms === undefined) throw new UsageError(`--timeout expects a duration such as 10s or 500ms, got '${v}'`);
  return ms;
}

/** Runs `procs down`. */
export async function down(args: ParsedArgs): Promise<number> {
  const timeoutMs = timeoutOf(args);
  return withProject(args, async (client, paths) => {
    const started = Date.now();
    let stopped = 0;
    const onEvent = (e: ProcsEvent): void => {
      if (e.type !== 'stop' || e.state !== 'stopped' || e.unit === 'procs') return;
      stopped += 1;
      if (e.forced) process.stdout.write(`${e.unit}: killed with SIGKILL after its stop timeout\n`);
    };
    try {
      await client.down(timeoutMs === undefined ? {} : { timeoutMs }, onEvent);
    } catch (err) {
      // Nothing answers: units a killed procs left behind are still ended.
      const ended = err instanceof ControlError && err.code === 'not-running' ? await endOrphansOf(paths) : undefined;
      if (!ended?.length) throw err;
      process.stdout.write(`down: ${client.root}: ${describeOrphans(ended)}\n`);
      return EXIT.ok;
    }
    const units = `${stopped} ${stopped === 1 ? 'unit' : 'units'}`;
    process.stdout.write(`down: ${client.root} (${units} stopped in ${formatDuration(Date.now() - started)})\n`);
    return EXIT.ok;
  });
}
