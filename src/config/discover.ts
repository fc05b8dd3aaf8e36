// Finding the spec: the first folder, from the working directory upward, that holds a spec or a
// Procfile (a spec wins in the same folder). cosmiconfig searches the places and reads what it
// finds through procs' own loaders (positioned YAML, package.json's `procs` key, modules); it is
// loaded only when discovery is needed, and the common case (procs.yaml right here) skips it.
import { statSync } from 'node:fs';
import { MAX_SPEC_BYTES, sizeText } from './limits.js';
import path from 'node:path';
import { isModuleSpec, loadModuleSpec } from './js-config.js';
import { isProcfile } from './procfile.js';
import { loadPackageText, loadYamlText, LoadedSpec } from './spec-text.js';

/** Where a spec may be, in the order they are tried in each folder. */
export const SEARCH_PLACES = [
  'procs.yaml',
  'procs.yml',
  '.procsrc',
  '.procsrc.yaml',
  '.config/procs.yaml',
  'procs.config.mjs',
  'procs.config.js',
  'procs.config.cjs',
  'procs.config.ts',
  'package.json',
  'Procfile',
] as const;

/** The spec found: its path, and its tree when the search already read it. */
export interface Found {
  readonly file: string;
  readonly loaded?: LoadedSpec;
}

/** The spec that applies in `cwd`, or undefined when there is none. `env` is what a function config gets. */
export async function discover(cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<Found | undefined> {
  // The common case, the first place in the first folder, needs no search library.
  const first = path.join(path.resolve(cwd), SEARCH_PLACES[0]);
  if (statSync(first, { throwIfNoEntry: false })?.isFile()) return { file: first };
  const { cosmiconfig } = await import('cosmiconfig');
  const yaml = (file: string, text: string): LoadedSpec => loadYamlText(file, text);
  const module = (file: string): Promise<LoadedSpec> => loadModuleSpec(file, env);
  const explorer = cosmiconfig('procs', {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'none',
    cache: false,
    ignoreEmptySearchPlaces: false,
    loaders: {
      '.yaml': yaml,
      '.yml': yaml,
      '.json': loadPackageText,
      '.mjs': module,
      '.js': module,
      '.cjs': module,
      '.ts': module,
      // `.procsrc` is YAML; a Procfile is read by the core, which knows the `-m` counts.
      noExt: (file: string, text: string): object => (isProcfile(file) ? {} : yaml(file, text)),
    },
  });
  for (let dir = path.resolve(cwd); ;) {
    refuseOddPlaces(dir);
    const result = await explorer.search(dir);
    if (result) return result.config instanceof LoadedSpec ? { file: result.filepath, loaded: result.config } : { file: result.filepath };
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * cosmiconfig reads what it finds whole, and would wait for ever on a FIFO: before it searches a
 * folder, the places it would read there are checked as `-f` files are (a regular file within
 * the size bound). Checking stops at the first regular file it would take (package.json goes on:
 * one without a `procs` key is passed over).
 */
function refuseOddPlaces(dir: string): void {
  for (const place of SEARCH_PLACES) {
    const file = path.join(dir, place);
    let st;
    try {
      st = statSync(file, { throwIfNoEntry: false });
    } catch {
      continue; // not reachable (EACCES, ENOTDIR): cosmiconfig passes over it too
    }
    if (st === undefined || st.isDirectory()) continue;
    if (!st.isFile()) throw new Error(`${file}: not a regular file (a FIFO, socket or device); a spec is read only from a regular file`);
    if (st.size > MAX_SPEC_BYTES) throw new Error(`${file}: it is larger than ${sizeText(MAX_SPEC_BYTES)}`);
    if (place !== 'package.json') return;
  }
}

/** The spec files of a load and the trees already read: `-f` files as given, or the one found. */
export interface Sources {
  readonly files: string[];
  readonly preloaded: Map<string, LoadedSpec>;
}

/**
 * The spec files for `files` (`-f`, absolute; no search then, and no cosmiconfig) or, without
 * them, the one discovery finds from `cwd` (undefined when none). Module specs are imported here.
 */
export async function specSources(cwd: string, files: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<Sources | undefined> {
  const preloaded = new Map<string, LoadedSpec>();
  if (files.length === 0) {
    const found = await discover(cwd, env);
    if (found === undefined) return undefined;
    if (found.loaded) preloaded.set(found.file, found.loaded);
    files = [found.file];
  }
  for (const file of files) if (isModuleSpec(file) && !preloaded.has(file)) preloaded.set(file, await loadModuleSpec(file, env));
  return { files: [...files], preloaded };
}

/** The message when no spec is found. */
export function notFoundMessage(cwd: string): string {
  return (
    `no procs.yaml in ${cwd} or any folder above it (nor procs.yml, .procsrc, .procsrc.yaml, ` +
    '.config/procs.yaml, procs.config.mjs/.js/.cjs/.ts, a `procs` key in package.json, or a Procfile); name a spec with -f FILE, or write one with `procs init`'
  );
}
