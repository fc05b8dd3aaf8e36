// Finding the spec: the first folder, from the working directory upward, that holds a spec or a
// Procfile (a spec wins in the same folder). cosmiconfig is loaded only when discovery is needed.
import { statSync } from 'node:fs';
import path from 'node:path';

/** Where a spec may be, in the order they are tried in each folder. */
export const SEARCH_PLACES = ['procs.yaml', 'procs.yml', '.procsrc', '.procsrc.yaml', '.config/procs.yaml', 'package.json', 'Procfile'] as const;

/** True when a package.json text has a top-level `procs` key (a broken one that mentions it counts). */
function hasProcsKey(text: string): boolean {
  try {
    const data: unknown = JSON.parse(text);
    return typeof data === 'object' && data !== null && Object.hasOwn(data, 'procs');
  } catch {
    return /"procs"\s*:/.test(text);
  }
}

/** The absolute path of the spec that applies in `cwd`, or undefined when there is none. */
export async function discover(cwd: string): Promise<string | undefined> {
  // The common case, the first place in the first folder, needs no search library.
  const first = path.join(path.resolve(cwd), SEARCH_PLACES[0]);
  if (statSync(first, { throwIfNoEntry: false })?.isFile()) return first;
  const { cosmiconfig } = await import('cosmiconfig');
  // The loaders only say "found": the loader reads the text itself, to keep positions.
  const found = (): object => ({});
  const explorer = cosmiconfig('procs', {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'none',
    cache: false,
    ignoreEmptySearchPlaces: false,
    loaders: {
      '.yaml': found,
      '.yml': found,
      noExt: found,
      '.json': (_file: string, text: string): object => (hasProcsKey(text) ? { procs: {} } : {}),
    },
  });
  for (let dir = path.resolve(cwd); ;) {
    const result = await explorer.search(dir);
    if (result) return result.filepath;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The message when no spec is found. */
export function notFoundMessage(cwd: string): string {
  return (
    `no procs.yaml in ${cwd} or any folder above it (nor procs.yml, .procsrc, .procsrc.yaml, ` +
    '.config/procs.yaml, a `procs` key in package.json, or a Procfile); name a spec with -f FILE'
  );
}
