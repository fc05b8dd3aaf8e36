// `procs init`: writes a procs.yaml in the current folder from its Procfile or package.json
// scripts (config in init-spec.ts), refusing when a spec is already there.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SEARCH_PLACES } from '../config/discover.js';
import { initSpec, type InitSource, type InitSpec } from './init-spec.js';
import { UsageError } from './usage-error.js';

/** Files larger than this are not a Procfile or package.json worth reading. */
const MAX_SOURCE_BYTES = 1024 * 1024;

export interface InitResult extends InitSpec {
  /** The file written (absolute). */
  readonly file: string;
}

/** Writes `dir/procs.yaml`; throws UsageError when a spec exists there or the source asked for is missing. */
export function initProject(dir: string, from: InitSource | undefined): InitResult {
  const existing = existingSpec(dir);
  if (existing !== undefined) throw new UsageError(`${existing} is already a spec here; not overwriting it (procs validate checks it, procs config shows it)`);
  const procfile = readSource(path.join(dir, 'Procfile'));
  const scripts = packageScripts(path.join(dir, 'package.json'));
  if (from === 'procfile' && procfile === undefined) throw new UsageError(`--from procfile: there is no Procfile in ${dir}`);
  if (from === 'package' && scripts === undefined) throw new UsageError(`--from package: there is no package.json with scripts in ${dir}`);
  const spec = initSpec({ procfile, scripts, from });
  const file = path.join(dir, 'procs.yaml');
  // `wx`: never over a file (or link) that appeared meanwhile.
  writeFileSync(file, spec.text, { flag: 'wx', mode: 0o644 });
  return { ...spec, file };
}

/** The first of the spec's search places present in `dir` (a Procfile is a source, not a spec). */
function existingSpec(dir: string): string | undefined {
  for (const place of SEARCH_PLACES) {
    if (place === 'Procfile') continue;
    const file = path.join(dir, place);
    if (!statSync(file, { throwIfNoEntry: false })) continue;
    if (place !== 'package.json') return place;
    if (hasProcsKey(readSource(file))) return 'package.json (its `procs` key)';
  }
  return undefined;
}

function hasProcsKey(text: string | undefined): boolean {
  const data = parseJson(text);
  return typeof data === 'object' && data !== null && Object.hasOwn(data, 'procs');
}

/** The string-valued `scripts` of a package.json; undefined when there are none. */
function packageScripts(file: string): Record<string, string> | undefined {
  const data = parseJson(readSource(file));
  const scripts = typeof data === 'object' && data !== null && 'scripts' in data ? data.scripts : undefined;
  if (typeof scripts !== 'object' || scripts === null) return undefined;
  const out = Object.fromEntries(Object.entries(scripts).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return Object.keys(out).length > 0 ? out : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A regular file's text, or undefined when there is none (or it is too large to be one). */
function readSource(file: string): string | undefined {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size > MAX_SOURCE_BYTES) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
