// `procs config`: the spec procs would run, resolved (files merged, Procfile mapped, defaults
// filled in, `.env` read, commands interpolated), printed as YAML (or JSON) in the spec's own
// shape. Values are `<set>` unless --show-values.
import { EXIT } from '../app/exit-codes.js';
import { loadProjectSpec, printDiagnostics } from '../app/load.js';
import { UsageError } from '../app/usage-error.js';
import { printable } from '../base/printable.js';
import { toPlainSpec } from '../config/to-plain-spec.js';
import type { ParsedArgs } from './args.js';
import { specRequest } from './options.js';
import { printQuick } from './print.js';
import { yamlText } from './yaml-out.js';

/** Prints the resolved spec; exit 2 (with the positioned problems) when it has errors. */
export async function config(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError(`'procs config' takes no unit names (got '${args.positionals.join(' ')}'): it prints the whole spec`);
  const result = await loadProjectSpec(specRequest(args));
  printDiagnostics(result.diagnostics, process.stderr);
  if (!result.spec) return EXIT.usage;
  const plain = toPlainSpec(result.spec, { inherited: process.env, showValues: args.flags['show-values'] === true });
  let text: string;
  if (args.flags.json === true) text = `${JSON.stringify(plain, null, 2)}\n`;
  else {
    const header = `# The resolved spec of ${printable(result.files.join(', '))}${args.flags['show-values'] === true ? '' : ' (values shown as <set>; --show-values prints them)'}\n`;
    text = header + yamlText(plain);
  }
  return printQuick(text) ? EXIT.ok : EXIT.failed;
}
