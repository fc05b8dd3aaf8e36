import { EXIT } from '../app/exit-codes.js';
import { loadProjectSpec, printDiagnostics } from '../app/load.js';
import { printable } from '../base/printable.js';
import type { ParsedArgs } from './args.js';
import { profilesOf, specRequest } from './options.js';
import { checkProfiles } from '../app/select.js';
import { printQuick } from './print.js';

/** `procs validate`: every problem of the spec, positioned; exit 2 when there are errors. */
export async function validate(args: ParsedArgs): Promise<number> {
  const result = await loadProjectSpec(specRequest(args));
  // process.stderr is made on first use, and loads Node's stream modules: only when there is something to say.
  if (result.diagnostics.length > 0) printDiagnostics(result.diagnostics, process.stderr);
  if (!result.spec) return EXIT.usage;
  // A profile no unit has (a typo in CI's PROCS_PROFILES): a usage error, with the closest one.
  checkProfiles(result.spec, profilesOf(args));
  const n = result.spec.units.length;
  const files = printable(result.files.join(', '));
  return printQuick(`${files}: ok (${n} unit${n === 1 ? '' : 's'})\n`) ? EXIT.ok : EXIT.failed;
}
