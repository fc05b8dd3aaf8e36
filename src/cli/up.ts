// `procs up [UNIT…]`: in the foreground, or `-d` / `--wait` in the background.
import type { UpOptions } from '../app/options.js';
import type { ParsedArgs } from './args.js';
import { profilesOf, specRequest, stringFlag, waitTimeoutOf, watchFlags } from './options.js';
import { reportRequest } from './report-options.js';
import { display, unblockTerminal } from './terminal.js';
import { UsageError } from '../app/usage-error.js';
import { dashboardOptions } from './dashboard-options.js';
import { fileStdout } from '../output/file-out.js';
import { whenWritten } from '../base/drain.js';

/** The options of `procs up` (and of the daemon it starts). */
export function upOptions(args: ParsedArgs, waitTimeoutMs: number | undefined): UpOptions {
  const report = args.flags.wait === true ? reportRequest(args) : undefined;
  return {
    spec: specRequest(args),
    units: args.positionals,
    watch: watchFlags(args),
    abortOnFailure: args.flags['abort-on-failure'] === true,
    exitFrom: stringFlag(args, 'exit-code-from'),
    wait: args.flags.wait === true,
    waitTimeoutMs,
    noDeps: args.flags['no-deps'] === true,
    profiles: profilesOf(args),
    ...(report ? { report } : {}),
    ...(args.flags.ui === true ? { ui: dashboardOptions(args, 'ui-port') } : {}),
  };
}

/** Runs `procs up`. */
export async function up(args: ParsedArgs): Promise<number> {
  if (args.flags.report !== undefined && args.flags.wait !== true) {
    throw new UsageError('--report needs --wait: the report is written once the wait has its answer (procs up --wait --report DIR)');
  }
  if (args.flags.detach || args.flags.wait) {
    const waitMs = waitTimeoutOf(args);
    const o = upOptions(args, waitMs);
    const code = await (await import('../app/up-detached.js')).upDetached(o, display(args));
    if (code !== 0 || !o.ui) return code;
    const { dashboardOfStarted } = await import('../app/dashboard.js');
    await dashboardOfStarted(o.spec.files, o.ui, { out: process.stdout, err: process.stderr });
    return code;
  }
  // On a regular file, output goes through FileOut (a batch a write, from Buffers as rendered),
  // and every byte is in the file before `up` returns; a terminal is written without blocking.
  const file = fileStdout();
  const d = !file && unblockTerminal() ? { ...display(args), written: () => whenWritten(process.stdout) } : display(args);
  try {
    return await (await import('../app/up.js')).upForeground(upOptions(args, undefined), file ? { ...d, out: file } : d, () => process.stdin);
  } finally {
    await file?.finish();
  }
}
