// Finding the running project from a command line without loading the spec: the folder of the
// first `-f` file, or the first folder upward holding a spec (the places discovery looks at),
// then its socket. Used by the client commands, which stay light.
import { existsSync, readFileSync, watch } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SEARCH_PLACES } from '../config/discover.js';
import { ControlError } from '../control/api.js';
import { answers } from '../rundir/claim.js';
import { ControlClient } from '../control/client.js';
import { projectPaths, recordedSocketPath, type ProjectPaths } from '../rundir/paths.js';
import { isLiveProcs } from '../rundir/pidlock.js';

/** The project folder for `files` (from `-f`) or, without them, upward from `cwd`. */
export function locateRoot(files: readonly string[], cwd = process.cwd()): string | undefined {
  if (files[0] !== undefined) return dirname(resolve(cwd, files[0]));
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const place of SEARCH_PLACES) {
      const file = join(dir, place);
      if (existsSync(file) && (place !== 'package.json' || hasProcsKey(file))) return dirname(file);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** A client for the project of `files`/`cwd`; throws `not-running` when there is no project at all. */
export function clientFor(files: readonly string[], cwd = process.cwd()): { client: ControlClient; paths: ProjectPaths } {
  const root = locateRoot(files, cwd);
  if (root === undefined) throw new ControlError('not-running', `no procs project is running in ${resolve(cwd)} (no .procs/procs.sock)`);
  const paths = projectPaths(root);
  return { client: new ControlClient(recordedSocketPath(paths), root), paths };
}

/**
 * Waits until the procs holding the project's lock (`pid`) answers on its socket: true then,
 * false when it exits first or `timeoutMs` passes. Woken by changes in `.procs/`.
 */
export function whenServing(paths: ProjectPaths, pid: number, timeoutMs = 30_000): Promise<boolean> {
  return new Promise((done) => {
    let settled = false;
    let checking = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      watcher.close();
      clearInterval(alive);
      clearTimeout(timer);
      done(ok);
    };
    const check = (): void => {
      if (checking || settled) return;
      checking = true;
      void answers(recordedSocketPath(paths), 1000).then((ok) => {
        checking = false;
        if (ok) finish(true);
      });
    };
    const watcher = watch(paths.dir, { persistent: false }, check);
    watcher.on('error', () => undefined);
    // The holder may die without touching `.procs/`: look at it now and then.
    const alive = setInterval(() => (isLiveProcs(pid) ? check() : finish(false)), 1000);
    const timer = setTimeout(() => finish(false), timeoutMs);
    check();
  });
}

/** True when a package.json has a top-level `procs` key. */
function hasProcsKey(file: string): boolean {
  try {
    const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof data === 'object' && data !== null && Object.hasOwn(data, 'procs');
  } catch {
    return false;
  }
}
