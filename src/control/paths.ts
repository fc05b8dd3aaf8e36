// Where a project's runtime files are: `.procs/` beside the spec (mode 0700) holding
// `procs.pid`, `procs.sock`, `procs.log` (the daemon's own output) and `logs/`. A Unix socket
// path is limited to 107 bytes; a project deeper than that gets its socket in a private folder
// of the user's (`$XDG_RUNTIME_DIR/procs/` or `/tmp/procs-<uid>/`), named by a hash of the
// project path, and `.procs/procs.sock.path` says where it is.
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularSync } from '../events/regular-file.js';

export interface ProjectPaths {
  readonly root: string;
  readonly dir: string;
  readonly pid: string;
  /** The socket's usual place, `.procs/procs.sock`. */
  readonly socket: string;
  /** Written only when the socket lives elsewhere: holds its path. */
  readonly socketPathFile: string;
  /** The daemon's stdout and stderr. */
  readonly log: string;
  readonly logs: string;
}

/** Longest socket path the kernel takes (sun_path is 108 bytes with its terminating NUL). */
export const SOCKET_PATH_MAX = 107;

/** The runtime paths of the project whose spec folder is `root`. */
export function projectPaths(root: string): ProjectPaths {
  const dir = join(root, '.procs');
  return {
    root,
    dir,
    pid: join(dir, 'procs.pid'),
    socket: join(dir, 'procs.sock'),
    socketPathFile: join(dir, 'procs.sock.path'),
    log: join(dir, 'procs.log'),
    logs: join(dir, 'logs'),
  };
}

/** Where the socket of a project is bound: its usual place, or the short fallback when too long. */
export function socketPathFor(paths: ProjectPaths, env: NodeJS.ProcessEnv = process.env): { path: string; fallback: boolean } {
  if (Buffer.byteLength(paths.socket) <= SOCKET_PATH_MAX) return { path: paths.socket, fallback: false };
  // node:crypto loads only here: it costs every start several milliseconds, and few paths are this long.
  const { createHash } = process.getBuiltinModule('node:crypto');
  const name = `${createHash('sha256').update(paths.root).digest('hex').slice(0, 16)}.sock`;
  return { path: join(fallbackDir(env), name), fallback: true };
}

/** The user's private folder for sockets that do not fit in the project. */
export function fallbackDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && runtime.startsWith('/') && isOwnDir(runtime)) return join(runtime, 'procs');
  return `/tmp/procs-${uid()}`;
}

/** The socket path a client should connect to: the recorded fallback, or where it would be bound. */
export function recordedSocketPath(paths: ProjectPaths): string {
  try {
    // Never through a planted link, never blocking on a FIFO (a non-regular file reads as none).
    const recorded = readRegularSync(paths.socketPathFile, 4096)?.trim();
    if (recorded?.startsWith('/')) return recorded;
  } catch {
    // no fallback recorded
  }
  return socketPathFor(paths).path;
}

/**
 * Makes `dir` a folder only this user can enter (0700), creating it if needed. Refuses a folder
 * that is a symlink or belongs to someone else: another user could then reach the socket.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder (a symlink?); refusing to put the control socket there`);
  if (st.uid !== uid()) throw new Error(`${dir} belongs to uid ${st.uid}, not to this user; refusing to put the control socket there`);
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/** True for an existing folder owned by this user. */
function isOwnDir(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === uid();
  } catch {
    return false;
  }
}

/** This process's user id (0 where the platform has none). */
function uid(): number {
  return process.getuid?.() ?? 0;
}
