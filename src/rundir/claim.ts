// Claiming a project before running it: the private `.procs/` folder, the pid lock, and a
// socket path free of leftovers. A socket file nobody answers on was left by a crash and is
// removed; one that answers means another procs serves the project, and nothing is touched.
// Units left running by a procs killed with its guard are ended first (orphans.ts); the groups
// this process starts are recorded once it serves the project (app/host.ts). When
// `.procs/procs.pid` cannot be written the claim fails with LockUnwritable (a foreground run then
// takes the spare lock).
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { ensureProjectDir, projectPaths, recordedSocketPath, removeFallbackDir, socketPathFor, type ProjectPaths } from './paths.js';
import { endOrphans } from './orphans.js';
import { acquirePidLock, unlinkQuietly, type LockResult } from './pidlock.js';
import { LockUnwritable, spareHolder } from './spare-lock.js';

export type Claim =
  | {
      readonly kind: 'claimed';
      readonly paths: ProjectPaths;
      /** Where to bind the control socket. */
      readonly socketPath: string;
      /** The socket is outside the project (its path would be too long there). */
      readonly fallback: boolean;
      /** Process groups left by a killed procs that were ended (their leaders' pids). */
      readonly orphans: readonly number[];
      /** Gives the pid lock back. */
      release(): void;
    }
  | { readonly kind: 'held'; readonly paths: ProjectPaths; readonly pid: number };

/** Takes the project in `root` for this process, or says which live procs holds it. */
export async function claimProject(root: string): Promise<Claim> {
  const paths = projectPaths(root);
  let lock: LockResult;
  try {
    ensureProjectDir(paths);
    lock = acquirePidLock(paths.pid);
  } catch (err) {
    throw new LockUnwritable(paths.pid, err);
  }
  if (lock.kind === 'held') return { kind: 'held', paths, pid: lock.pid };
  let made: string | undefined;
  try {
    const spare = spareHolder(root);
    if (spare !== undefined)
      throw new Error(`another procs (pid ${spare}) runs this project without a control socket (it could not write ${paths.dir}); not starting a second one`);
    // A socket left by a crash, in `.procs/` or in a fallback folder recorded there.
    const recorded = recordedSocketPath(paths);
    for (const p of new Set([recorded, paths.socket])) await clearStaleSocket(p);
    if (recorded !== paths.socket) removeFallbackDir(recorded);
    unlinkQuietly(paths.socketPathFile);
    const orphans = await endOrphans(paths.dir);
    const { path, fallback } = socketPathFor(paths);
    if (fallback) made = path;
    return { kind: 'claimed', paths, socketPath: path, fallback, orphans, release: () => lock.release() };
  } catch (err) {
    if (made) removeFallbackDir(made);
    lock.release();
    throw err;
  }
}

/** Removes a socket file left by a crash; refuses to touch one that still answers. */
async function clearStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (await answers(path)) throw new Error(`another process answers on ${path}; not starting a second procs for this project`);
  unlinkQuietly(path);
}

/** Whether something accepts connections on the socket path. */
export function answers(path: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
