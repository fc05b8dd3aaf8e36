// `procs graph [UNIT…] [--format text|dot|mermaid]`: the dependency graph of the spec, with each
// unit's state when the project runs.
import { EXIT } from '../app/exit-codes.js';
import { projectGraph, runningStates } from '../app/graph.js';
import { loadProjectSpec, printDiagnostics } from '../app/load.js';
import { UsageError } from '../app/usage-error.js';
import { graphDot, graphMermaid } from '../output/graph-formats.js';
import { graphText } from '../output/graph-text.js';
import type { ParsedArgs } from './args.js';
import { listFlag, specRequest, stringFlag } from './options.js';
import { printQuick } from './print.js';

const FORMATS = { text: graphText, dot: graphDot, mermaid: graphMermaid } as const;

export async function graph(args: ParsedArgs): Promise<number> {
  const format = stringFlag(args, 'format') ?? 'text';
  if (!Object.hasOwn(FORMATS, format)) throw new UsageError(`--format is text, dot or mermaid, got '${format}'`);
  const render = FORMATS[format as keyof typeof FORMATS];
  const loaded = await loadProjectSpec(specRequest(args));
  printDiagnostics(loaded.diagnostics, process.stderr);
  if (!loaded.spec) return EXIT.usage;
  const states = await runningStates(listFlag(args, 'file'));
  return printQuick(render(projectGraph(loaded.spec, args.positionals, states))) ? EXIT.ok : EXIT.failed;
}
