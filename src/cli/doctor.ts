// `procs doctor [--json]`: one line per check (`ok`, `note` or `FAIL`, its name, what was found);
// exit 1 when a check fails.
import { doctor } from '../app/doctor.js';
import { EXIT } from '../app/exit-codes.js';
import { printable } from '../base/printable.js';
import type { ParsedArgs } from './args.js';
import { specRequest } from './options.js';

const MARK = { ok: 'ok  ', note: 'note', fail: 'FAIL' } as const;

/** Prints every check; exit 0 when none fails. */
export async function doctorCommand(args: ParsedArgs): Promise<number> {
  const checks = await doctor(specRequest(args));
  const ok = checks.every((c) => c.level !== 'fail');
  if (args.flags.json === true) {
    process.stdout.write(`${JSON.stringify({ ok, checks })}\n`);
  } else {
    const width = Math.max(...checks.map((c) => c.name.length));
    for (const c of checks) process.stdout.write(`${MARK[c.level]}  ${c.name.padEnd(width)}  ${printable(c.detail)}\n`);
  }
  return ok ? EXIT.ok : EXIT.failed;
}
