// Loading the spec the way every command does: `-f` files or discovery, `-m` counts, the process env.
import type { Writable } from 'node:stream';
import type { AutoPort } from '../config/context.js';
import { formatDiagnostic, loadSpec, type LoadResult } from '../config/index.js';
import type { PortBook } from '../proc/port-book.js';
import { specCache } from '../rundir/spec-cache.js';
import type { SpecDiagnostic } from '../config/spec.js';
import type { SpecRequest } from './options.js';

/**
 * Loads the spec `r` asks for. A YAML file parsed before with the same text is not parsed again
 * (rundir/spec-cache.ts), unless PROCS_SPEC_CACHE=0.
 */
export async function loadProjectSpec(r: SpecRequest, ports?: PortBook): Promise<LoadResult> {
  const trees = process.env.PROCS_SPEC_CACHE === '0' ? undefined : specCache();
  return loadSpec({
    cwd: process.cwd(),
    files: [...r.files],
    env: process.env,
    formation: { ...r.formation },
    ...(trees ? { trees } : {}),
    ...autoPorts(ports),
  });
}

/** `port: auto` ports picked from `ports` (a running project's), or nothing to add. */
export function autoPorts(ports: PortBook | undefined): { autoPort?: AutoPort } {
  return ports === undefined ? {} : { autoPort: (unit, preferred) => ports.pick(unit, preferred) };
}

/** Prints diagnostics to `err`, `FILE:LINE:COL  message`, errors and warnings alike. */
export function printDiagnostics(diags: readonly SpecDiagnostic[], err: Writable): void {
  for (const d of diags) err.write(formatDiagnostic(d, process.cwd()) + '\n');
}
