// The dashboard's flags, for `procs dashboard` (`--port`) and `procs up --ui` (`--ui-port`).
import type { DashboardOptions } from '../app/dashboard.js';
import type { ParsedArgs } from './args.js';
import { UsageError } from '../app/usage-error.js';
import { stringFlag } from './options.js';

/** `--no-open` and the port flag named `portFlag`. */
export function dashboardOptions(args: ParsedArgs, portFlag: string): DashboardOptions {
  const raw = stringFlag(args, portFlag);
  const open = args.flags['no-open'] !== true;
  if (raw === undefined) return { open };
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) throw new UsageError(`--${portFlag} takes a port from 1 to 65535, got '${raw}'`);
  return { open, port: Number(raw) };
}
