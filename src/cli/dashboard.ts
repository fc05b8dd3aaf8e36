// `procs dashboard [--no-open] [--port N]`: the running project's web dashboard.
import { EXIT } from '../app/exit-codes.js';
import type { ParsedArgs } from './args.js';
import { listFlag } from './options.js';
import { dashboardOptions } from './dashboard-options.js';

export async function dashboard(args: ParsedArgs): Promise<number> {
  const { dashboardCommand } = await import('../app/dashboard.js');
  await dashboardCommand(listFlag(args, 'file'), dashboardOptions(args, 'port'), { out: process.stdout, err: process.stderr });
  return EXIT.ok;
}
