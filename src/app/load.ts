// Loading the spec the way every command does: `-f` files or discovery, `-m` counts, the process env.
import type { Writable } from 'node:stream';
import { formatDiagnostic, loadSpec, type LoadResult } from '../config/index.js';
import type { SpecDiagnostic } from '../config/spec.js';
import type { SpecRequest } from './options.js';

/** Loads the spec `r` asks for. */
export async function loadProjectSpec(r: SpecRequest): Promise<LoadResult> {
  return loadSpec({ cwd: process.cwd(), files: [...r.files], env: process.env, formation: { ...r.formation } });
}

/** Prints diagnostics to `err`, `FILE:LINE:COL  message`, errors and warnings alike. */
export function printDiagnostics(diags: readonly SpecDiagnostic[], err: Writable): void {
  for (const d of diags) err.write(formatDiagnostic(d, process.cwd()) + '\n');
}
