// `procs export TARGET -o DIR`: the spec as systemd units, a compose file or Kubernetes manifests.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportSpec, isTarget, loadForExport, TARGETS } from '../export/index.js';
import { suggest } from '../base/suggest.js';
import { EXIT } from '../app/exit-codes.js';
import { printDiagnostics } from '../app/load.js';
import { UsageError } from '../app/usage-error.js';
import type { ParsedArgs } from './args.js';
import { listFlag, parseFormation, stringFlag } from './options.js';

/** The target named on the command line; a UsageError with a suggestion otherwise. */
function targetOf(args: ParsedArgs): (typeof TARGETS)[number] {
  const [target, ...extra] = args.positionals;
  const choices = TARGETS.join(', ');
  if (target === undefined) throw new UsageError(`name a target: ${choices}`);
  if (!isTarget(target)) {
    const hint = suggest(target, TARGETS);
    throw new UsageError(`unknown target '${target}'${hint ? `; did you mean '${hint}'?` : ''} (one of ${choices})`);
  }
  if (extra.length > 0) throw new UsageError(`one target at a time, got '${args.positionals.join(' ')}'`);
  return target;
}

/** `procs export`: loads the spec (its own env only), writes the engine's files under -o DIR, prints notes. */
export async function exportCommand(args: ParsedArgs): Promise<number> {
  const target = targetOf(args);
  const output = stringFlag(args, 'output');
  if (output === undefined || output === '') throw new UsageError('-o DIR is required: the folder to write the files to');
  const image = stringFlag(args, 'image');
  const loaded = await loadForExport({ cwd: process.cwd(), files: listFlag(args, 'file'), formation: parseFormation(listFlag(args, 'formation')) });
  printDiagnostics(loaded.diagnostics, process.stderr);
  if (!loaded.spec) return EXIT.usage;
  const dir = path.resolve(output);
  const result = exportSpec(target, loaded.spec, { ...(image ? { image } : {}), envFiles: loaded.envFiles, outputDir: dir });
  try {
    mkdirSync(dir, { recursive: true });
    for (const file of result.files) {
      const where = path.join(dir, file.path);
      writeFileSync(where, file.content);
      process.stdout.write(`wrote ${path.relative(process.cwd(), where) || where}\n`);
    }
  } catch (err) {
    process.stderr.write(`procs export: cannot write to ${output}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
  for (const note of result.notes) process.stderr.write(`procs export: note: ${note}\n`);
  return EXIT.ok;
}
