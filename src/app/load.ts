// Loading the spec the way every command does: `-f` files or discovery, `-m` counts, the process env.
import type { Writable } from 'node:stream';
import type { AutoPort } from '../config/context.js';
import { formatDiagnostic, loadSpec, type LoadResult } from '../config/index.js';
import type { PortBook } from '../proc/port-book.js';
import type { SpecDiagnostic } from '../config/spec.js';
import type { SpecRequest } from './options.js';

/** Loads the spec `r` asks for. */
export async function loadProjectSpec(r: SpecRequest, ports?: PortBook): Promise<LoadResult> {
  return loadSpec({ cwd: process.cwd(), files: [...r.files], env: process.env, formation: { ...r.formation }, ...autoPorts(ports) });
}

/** `port: auto` ports picked from `ports` (a running project's), or nothing to add. */
export function autoPorts(ports: PortBook | undefined): { autoPort?: AutoPort } {
  return ports === undefined ? {} : { autoPort: (unit, preferred) => ports.pick(unit, preferred) };
}

/** Prints diagnostics to `err`, `FILE:LINE:COL  message`, errors and warnings alike. */
export function printDiagnostics(diags: readonly SpecDiagnostic[], err: Writable): void {
  for (const d of diags) err.write(formatDiagnostic(d, process.cwd()) + '\n');
}
