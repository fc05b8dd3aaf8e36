// The spec loader's public face: find, read, check and normalize the spec, and print its problems.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageFile } from '../self.js';
import type { AutoPort, TreeCache } from './context.js';
import { buildSpec } from './core.js';
import { notFoundMessage, specSources } from './discover.js';
import { readFromDisk } from './read.js';
import type { Spec, SpecDiagnostic } from './spec.js';

export { formatDiagnostic } from './diagnostics.js';

export interface LoadOptions {
  /** Where discovery starts, and what relative `files` are relative to. */
  cwd: string;
  /** `-f FILE`, repeatable: merged in order, later files override earlier ones key by key. No discovery then. */
  files?: string[];
  /** The inherited environment (default: process.env). */
  env?: Record<string, string | undefined>;
  /** `-m web=2,worker=1`: instance counts for pools and Procfile entries; `all=N` sets every one. */
  formation?: Record<string, number>;
  /** Picks the ports of `port: auto` units (a running project's book of ports). */
  autoPort?: AutoPort;
  /** Trees of spec files parsed before (rundir/spec-cache.ts), used when a file's text is the same. */
  trees?: TreeCache;
}

export interface LoadResult {
  /** Present only when there are no errors (warnings allowed). Deeply frozen. */
  spec?: Spec;
  /** Every problem found, errors and warnings, in file order. */
  diagnostics: SpecDiagnostic[];
  /** The spec files named with -f (or found), in merge order (absolute paths): what a reload reads again. */
  files: string[];
  /** The other spec files read: included, or extended from (absolute paths). A change to one changes the spec. */
  included?: string[];
  /** The env files read (absolute paths): a change to one of them changes the spec too. */
  envFiles?: string[];
}

/** Finds (or takes), reads, validates and normalizes the spec. Never throws, for any input. */
export async function loadSpec(opts: LoadOptions): Promise<LoadResult> {
  try {
    const cwd = path.resolve(opts.cwd);
    const env = opts.env ?? process.env;
    const sources = await specSources(
      cwd,
      (opts.files ?? []).map((f) => path.resolve(cwd, f)),
      env,
    );
    if (sources === undefined) return failure(notFoundMessage(cwd));
    const formation = opts.formation && Object.keys(opts.formation).length > 0 ? opts.formation : undefined;
    return buildSpec({ ...sources, readFile: readFromDisk, env, formation, autoPort: opts.autoPort, trees: opts.trees });
  } catch (err) {
    return failure(`cannot load the spec: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A result holding one problem that belongs to no file. */
function failure(message: string): LoadResult {
  return { diagnostics: [{ file: '', line: 0, col: 0, message, severity: 'error' }], files: [] };
}

/** The JSON Schema of the spec (schema/procs.schema.json), for `procs schema`. */
export function schemaText(): string {
  return readFileSync(packageFile('schema/procs.schema.json'), 'utf8');
}
