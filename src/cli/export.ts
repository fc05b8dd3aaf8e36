// `procs export TARGET -o DIR`: the spec as systemd units, a compose file or Kubernetes manifests.
// `--check` validates what was written (or, without -o, what would be) with each engine's own
// checks available offline and prints what became of every spec key; `--strict` fails on a
// dropped key too.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportSpec, isTarget, loadForExport, TARGETS, type ExportOptions, type ExportResult, type Target } from '../export/index.js';
import { checkReportText, checkVerdict, keyTableText, type TargetCheck } from '../export/table.js';
import { onPath } from '../base/which.js';
import { suggest } from '../base/suggest.js';
import { EXIT } from '../app/exit-codes.js';
import { printDiagnostics } from '../app/load.js';
import { UsageError } from '../app/usage-error.js';
import type { ParsedArgs } from './args.js';
import { listFlag, parseFormation, stringFlag } from './options.js';

/** Flags that only one target reads. */
const TARGET_FLAGS: Readonly<Record<string, Target>> = {
  namespace: 'kubernetes',
  dockerfile: 'compose',
  mount: 'compose',
  path: 'systemd',
  user: 'systemd',
};

/** The targets named on the command line (every one for `--check` without a name); a UsageError with a suggestion otherwise. */
function targetsOf(args: ParsedArgs, check: boolean): Target[] {
  const [target, ...extra] = args.positionals;
  const choices = TARGETS.join(', ');
  if (target === undefined) {
    if (check) return [...TARGETS];
    throw new UsageError(`name a target: ${choices} (or --check without one for all of them)`);
  }
  if (!isTarget(target)) {
    const hint = suggest(target, TARGETS);
    throw new UsageError(`unknown target '${target}'${hint ? `; did you mean '${hint}'?` : ''} (one of ${choices})`);
  }
  if (extra.length > 0) throw new UsageError(`one target at a time, got '${args.positionals.join(' ')}'`);
  return [target];
}

/** The exporters' options from the flags; a UsageError for a flag of another target. */
function optionsOf(args: ParsedArgs, targets: readonly Target[]): ExportOptions {
  for (const [flag, target] of Object.entries(TARGET_FLAGS)) {
    if (args.flags[flag] !== undefined && !targets.includes(target)) throw new UsageError(`--${flag} is for ${target} exports`);
  }
  if (args.flags.dockerfile === true && args.flags.mount === true)
    throw new UsageError('--dockerfile and --mount exclude each other: build the project into an image, or mount it');
  const image = stringFlag(args, 'image');
  const namespace = stringFlag(args, 'namespace');
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
    throw new UsageError(`--namespace expects a DNS-1123 label (lowercase letters, digits and '-', at most 63), got '${namespace}'`);
  const searchPath = process.env.PATH ?? '';
  return {
    ...(image ? { image } : {}),
    ...(namespace ? { namespace } : {}),
    ...(args.flags.dockerfile === true ? { dockerfile: true } : {}),
    ...(args.flags.mount === true ? { mount: true } : {}),
    ...(args.flags.path === true ? { searchPath } : {}),
    ...(args.flags.user === true ? { user: true } : {}),
    resolveCommand: (name) => onPath(name, searchPath),
  };
}

/** Writes a target's files under `dir`; the error's text when it cannot. */
function writeFiles(dir: string, result: ExportResult): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
    for (const file of result.files) {
      const where = path.join(dir, file.path);
      mkdirSync(path.dirname(where), { recursive: true });
      writeFileSync(where, file.content);
      process.stdout.write(`wrote ${path.relative(process.cwd(), where) || where}\n`);
    }
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The offline checks of a target's files, systemd-analyze included where it is installed. */
async function checksOf(target: Target, result: ExportResult, options: ExportOptions): Promise<TargetCheck> {
  const { checkExport } = await import('../export/check/index.js');
  const reports = [...(await checkExport(target, result.files))];
  if (target === 'systemd') {
    const { isUnitFile, verifyUnitFiles } = await import('../proc/systemd-analyze.js');
    const verified = await verifyUnitFiles(result.files, { user: options.user === true });
    const units = result.files.filter((f) => isUnitFile(f.path)).length;
    reports.push(
      verified.available
        ? { file: `${units} unit files`, checker: `systemd-analyze verify${verified.fallback ? ` (${verified.fallback})` : ''}`, problems: verified.problems }
        : { file: `${units} unit files`, checker: 'systemd-analyze is not installed here: not verified by systemd', problems: [] },
    );
  }
  return { target, keys: result.keys, reports };
}

/** `procs export`: loads the spec (its own env only), writes the engine's files under -o DIR, prints notes; `--check` validates. */
export async function exportCommand(args: ParsedArgs): Promise<number> {
  const strict = args.flags.strict === true;
  const check = strict || args.flags.check === true;
  const targets = targetsOf(args, check);
  const output = stringFlag(args, 'output');
  if (output === '' || (output === undefined && !check))
    throw new UsageError('-o DIR is required: the folder to write the files to (or --check alone to validate without writing)');
  const options = optionsOf(args, targets);
  const loaded = await loadForExport({ cwd: process.cwd(), files: listFlag(args, 'file'), formation: parseFormation(listFlag(args, 'formation')) });
  printDiagnostics(loaded.diagnostics, process.stderr);
  if (!loaded.spec) return EXIT.usage;
  const checks: TargetCheck[] = [];
  for (const target of targets) {
    // Several targets into one folder: a folder each.
    const dir = output === undefined ? undefined : path.resolve(output, targets.length > 1 ? target : '');
    const result = exportSpec(target, loaded.spec, { ...options, envFiles: loaded.envFiles, ...(dir ? { outputDir: dir } : {}) });
    if (dir !== undefined) {
      const failed = writeFiles(dir, result);
      if (failed !== undefined) {
        process.stderr.write(`procs export: cannot write to ${output}: ${failed}\n`);
        return EXIT.failed;
      }
    }
    const prefix = targets.length > 1 ? `${target}: ` : '';
    const notes = [...result.notes];
    // compose builds from the project's own Dockerfile unless told otherwise: say when there is none.
    if (target === 'compose' && options.dockerfile !== true && options.mount !== true && !existsSync(path.join(loaded.spec.root, 'Dockerfile')))
      notes.push(`there is no Dockerfile in the project for build: to use: write one, or export with --dockerfile (a minimal Node one) or --mount`);
    for (const note of notes) process.stderr.write(`procs export: note: ${prefix}${note}\n`);
    if (check) checks.push(await checksOf(target, result, options));
  }
  if (!check) return EXIT.ok;
  process.stdout.write(`\n${keyTableText(checks)}\n${checkReportText(checks)}`);
  const verdict = checkVerdict(checks, strict);
  if (verdict.why !== undefined) process.stderr.write(`procs export: ${verdict.why}\n`);
  return verdict.ok ? EXIT.ok : EXIT.failed;
}
