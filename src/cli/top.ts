// `procs top [-n SECONDS]`: the `ps` table with CPU and memory, refreshed until Ctrl-C; see app/top.ts.
import { parseDurationArg } from '../config/durations.js';
import { EXIT } from '../app/exit-codes.js';
import { onShutdownSignals } from '../app/signals.js';
import { top as showTop } from '../app/top.js';
import { UsageError } from '../app/usage-error.js';
import type { ParsedArgs } from './args.js';
import { listFlag, stringFlag } from './options.js';

const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 3_600_000;

/** Runs `procs top`; Ctrl-C (or SIGTERM) ends it with status 0. */
export async function top(args: ParsedArgs): Promise<number> {
  const intervalMs = intervalOf(args);
  process.stdout.on('error', () => process.exit(EXIT.ok)); // the reader went away (`| head`)
  const stop = new AbortController();
  const signals = onShutdownSignals({ graceful: () => stop.abort(), force: () => stop.abort() });
  try {
    return await showTop(
      { files: listFlag(args, 'file'), intervalMs },
      {
        out: process.stdout,
        err: process.stderr,
        size: () => (process.stdout.isTTY ? { columns: process.stdout.columns, rows: process.stdout.rows } : undefined),
        stop: stop.signal,
      },
    );
  } finally {
    signals.off();
  }
}

/** `-n 2`, `--interval 500ms`: the time between frames (default 1s). */
function intervalOf(args: ParsedArgs): number {
  const v = stringFlag(args, 'interval');
  if (v === undefined) return 1000;
  const ms = parseDurationArg(v);
  if (ms === undefined || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS)
    throw new UsageError(`--interval expects seconds (2, 0.5) or a duration (500ms) from 100ms to 1h, got '${v}'`);
  return ms;
}
