// `procs why --startup [--json]`: the critical chain of the last startup, read from the event log.
import { EXIT } from '../app/exit-codes.js';
import { loadProjectSpec, printDiagnostics } from '../app/load.js';
import { lastStartup } from '../app/startup-history-last.js';
import { UsageError } from '../app/usage-error.js';
import { startupJson, startupText } from '../output/critical-chain-text.js';
import type { ParsedArgs } from './args.js';
import { specRequest } from './options.js';
import { printQuick } from './print.js';

export async function whyStartup(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError('--startup tells the whole startup; it takes no unit names');
  const loaded = await loadProjectSpec(specRequest(args));
  printDiagnostics(loaded.diagnostics, process.stderr);
  if (!loaded.spec) return EXIT.usage;
  const last = await lastStartup(loaded.spec);
  if (!last) {
    process.stderr.write('procs why --startup: no run recorded yet (.procs/events.ndjson is empty or missing)\n');
    return EXIT.failed;
  }
  const text =
    args.flags.json === true ? `${JSON.stringify(startupJson(last.analysis, last.slow, last.complete), null, 2)}\n` : startupText(last.analysis, last.slow);
  return printQuick(text) ? EXIT.ok : EXIT.failed;
}
