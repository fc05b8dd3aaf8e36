// The spec as exports see it: only what the spec itself declares. The machine's environment is
// left out entirely, and env files are read for their names only: each unit learns which files it
// reads (so the engines can reference them) but never a value from them, so no secret is inlined.
import path from 'node:path';
import type { ReadFile } from '../config/context.js';
import { buildSpec } from '../config/core.js';
import { notFoundMessage, specSources } from '../config/discover.js';
import { readFromDisk } from '../config/read.js';
import type { LoadedSpec } from '../config/spec-text.js';
import type { Spec, SpecDiagnostic } from '../config/spec.js';

/** Stands in for an env file's contents: one marker variable naming the file by its index. */
const MARKER = 'PROCS_EXPORT_ENV_FILE_';

export interface ExportLoad {
  /** Present when the spec has no errors. Its env holds spec-declared and procs' variables only. */
  readonly spec?: Spec;
  readonly diagnostics: readonly SpecDiagnostic[];
  /** The env files each unit reads, by unit name, lowest precedence first (absolute paths). */
  readonly envFiles: Readonly<Record<string, readonly string[]>>;
}

export interface ExportLoadInput {
  /** Absolute spec files, in merge order. */
  readonly files: readonly string[];
  readonly readFile: ReadFile;
  readonly formation?: Readonly<Record<string, number>>;
  /** Files already read into trees (module specs), by absolute path. */
  readonly preloaded?: ReadonlyMap<string, LoadedSpec>;
}

/** Builds the spec for export from files read through `readFile` (pure apart from the reader). */
export function buildForExport(input: ExportLoadInput): ExportLoad {
  const specFiles = new Set(input.files);
  const envPaths: string[] = [];
  // Spec files (named, included, extended from) are read without a size bound of their own; env files with one.
  const readFile: ReadFile = (file, maxBytes) => {
    const read = input.readFile(file, maxBytes);
    if (specFiles.has(file) || maxBytes === undefined || !read.ok) return read;
    let index = envPaths.indexOf(file);
    if (index < 0) index = envPaths.push(file) - 1;
    return { ok: true, text: `${MARKER}${index}=1\n` };
  };
  const built = buildSpec({ files: input.files, readFile, env: {}, formation: input.formation, preloaded: input.preloaded });
  if (!built.spec) return { diagnostics: built.diagnostics, envFiles: {} };
  const envFiles: Record<string, string[]> = {};
  const units = built.spec.units.map((u) => {
    const { env, files } = splitMarkers(u.env, envPaths);
    envFiles[u.name] = files;
    return { ...u, env };
  });
  const spec: Spec = { ...built.spec, units, env: splitMarkers(built.spec.env ?? {}, envPaths).env };
  return { spec, diagnostics: built.diagnostics, envFiles };
}

/** Separates the marker variables (naming env files, in layer order) from a unit's real variables. */
function splitMarkers(env: Readonly<Record<string, string>>, envPaths: readonly string[]): { env: Record<string, string>; files: string[] } {
  const out: Record<string, string> = {};
  const indexes: number[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(MARKER)) indexes.push(Number(name.slice(MARKER.length)));
    else out[name] = value;
  }
  const files = indexes.flatMap((i) => envPaths[i] ?? []);
  return { env: out, files };
}

export interface ExportLoadOptions {
  readonly cwd: string;
  /** `-f FILE`, repeatable; discovery from `cwd` without it. */
  readonly files?: readonly string[];
  readonly formation?: Readonly<Record<string, number>>;
}

/** Finds (or takes) the spec files and builds the spec for export from disk. Never throws. */
export async function loadForExport(opts: ExportLoadOptions): Promise<ExportLoad> {
  const cwd = path.resolve(opts.cwd);
  // A function config gets no environment either: the export holds what the spec declares.
  const sources = await specSources(
    cwd,
    (opts.files ?? []).map((f) => path.resolve(cwd, f)),
    {},
  );
  if (sources === undefined) return { diagnostics: [{ file: '', line: 0, col: 0, message: notFoundMessage(cwd), severity: 'error' }], envFiles: {} };
  const formation = opts.formation && Object.keys(opts.formation).length > 0 ? opts.formation : undefined;
  return buildForExport({ ...sources, readFile: readFromDisk, ...(formation ? { formation } : {}) });
}
