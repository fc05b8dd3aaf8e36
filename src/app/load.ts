import { MAX_REPLICAS } from '../config/checks.js';
import { formatDiagnostic, loadSpec, type LoadResult } from '../config/index.js';
import type { SpecDiagnostic } from '../config/spec.js';
import type { ParsedArgs } from '../cli/args.js';
import { UsageError } from '../cli/args.js';

/** Parses `-m web=2,worker=1` (repeatable) into counts, each from 0 to MAX_REPLICAS (checked before anything is built). */
export function parseFormation(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of values.flatMap((v) => v.split(','))) {
    const m = /^\s*([a-z0-9][a-z0-9_-]*)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m?.[1] || m[2] === undefined) throw new UsageError(`-m expects NAME=N[,NAME=N…], got '${part}'`);
    const count = Number(m[2]);
    if (count > MAX_REPLICAS) throw new UsageError(`-m ${m[1]}=${m[2]} is out of range: counts go from 0 to ${MAX_REPLICAS}`);
    out[m[1]] = count;
  }
  return out;
}

function listFlag(args: ParsedArgs, name: string): readonly string[] {
  const v = args.flags[name];
  return typeof v === 'object' ? v : [];
}

/** Loads the spec the way every command does: -f files or discovery, -m counts, the process env. */
export async function loadFromArgs(args: ParsedArgs): Promise<LoadResult> {
  return loadSpec({
    cwd: process.cwd(),
    files: [...listFlag(args, 'file')],
    env: process.env,
    formation: parseFormation(listFlag(args, 'formation')),
  });
}

/** Prints diagnostics to stderr, `FILE:LINE:COL  message`, errors and warnings alike. */
export function printDiagnostics(diags: readonly SpecDiagnostic[]): void {
  for (const d of diags) process.stderr.write(formatDiagnostic(d, process.cwd()) + '\n');
}
