// Where a project's runtime files are: `.procs/` beside the spec (mode 0700) holding
// `procs.pid`, `procs.sock`, `procs.log` (the daemon's own output), `logs/` and `startup.json`. A Unix socket
// path is limited to 107 bytes; a project deeper than that gets its socket in a folder made for
// it with a random name (`$XDG_RUNTIME_DIR/procs-XXXXXX/` or `/tmp/procs-XXXXXX/`, mode 0700),
// which no one else can have taken beforehand, and `.procs/procs.sock.path` says where it is.
// A client trusts a socket only in a folder of its own user's that no one else may enter.
import { chmodSync, closeSync, lstatSync, mkdirSync, mkdtempSync, rmdirSync, writeSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { CREATE_NEW, openRegularSync, readRegularSync } from '../events/regular-file.js';

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
  /** Each unit's own time to up over its last runs (`procs why --startup`, the `up` summary). */
  readonly startup: string;
  /** The web dashboard's port and token (mode 0600), used again by the project's next dashboard. */
  readonly dashboard: string;
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
    startup: join(dir, 'startup.json'),
    dashboard: join(dir, 'dashboard.json'),
  };
}

/**
 * Where the socket of a project is to be bound: its usual place, or, when that path is too
 * long, `procs.sock` in a new private folder with a random name (made here).
 */
export function socketPathFor(paths: ProjectPaths, env: NodeJS.ProcessEnv = process.env): { path: string; fallback: boolean } {
  if (Buffer.byteLength(paths.socket) <= SOCKET_PATH_MAX) return { path: paths.socket, fallback: false };
  return { path: join(mkdtempSync(join(fallbackBase(env), 'procs-')), 'procs.sock'), fallback: true };
}

/**
 * Where a project's notify socket (units' NOTIFY_SOCKET) is bound: `.procs/notify.sock`, or,
 * when that path is too long or `.procs/` is not this user's, `notify.sock` in a new private
 * folder with a random name (made here, removed with `removeFallbackDir`).
 */
export function notifySocketFor(paths: ProjectPaths, env: NodeJS.ProcessEnv = process.env): { path: string; fallback: boolean } {
  const usual = join(paths.dir, 'notify.sock');
  if (Buffer.byteLength(usual) <= SOCKET_PATH_MAX && isOwnDir(paths.dir)) return { path: usual, fallback: false };
  return { path: join(mkdtempSync(join(fallbackBase(env), 'procs-')), 'notify.sock'), fallback: true };
}

/** Where fallback folders are made: the user's runtime folder, else /tmp. */
function fallbackBase(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && runtime.startsWith('/') && isOwnDir(runtime)) return runtime;
  return '/tmp';
}

/**
 * The user's own folder for what must be found again by name (the spare lock of a project whose
 * `.procs/` cannot be written): `$XDG_RUNTIME_DIR/procs/`, else `/tmp/procs-<uid>/`. Its name can
 * be guessed, so whoever uses it checks it with `ensurePrivateDir` (ours, 0700) and refuses
 * anything else: a folder another user made first only stops that use, and is never trusted.
 */
export function privateDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && runtime.startsWith('/') && isOwnDir(runtime)) return join(runtime, 'procs');
  return `/tmp/procs-${uid()}`;
}

/** Removes a fallback socket's folder once the socket is gone (only when empty). */
export function removeFallbackDir(socketPath: string): void {
  try {
    rmdirSync(dirname(socketPath));
  } catch {
    // gone already, or not empty: not ours to clear
  }
}

/** The socket path a client should connect to: the recorded fallback, else `.procs/procs.sock`. */
export function recordedSocketPath(paths: ProjectPaths): string {
  try {
    // Never through a planted link, never blocking on a FIFO (a non-regular file reads as none).
    const recorded = readRegularSync(paths.socketPathFile, 4096)?.trim();
    if (recorded?.startsWith('/')) return recorded;
  } catch {
    // no fallback recorded
  }
  return paths.socket;
}

/**
 * Why a socket path cannot be trusted to lead to this user's project, or undefined when it can:
 * its folder must be a real folder of this user's that no one else may enter (no group or
 * other bits), and the socket a socket of this user's, not a symlink. Missing files are
 * `missing` (nothing runs there), not a refusal.
 */
export function untrustedSocket(path: string): { kind: 'missing' } | { kind: 'denied'; why: string } | undefined {
  const me = uid();
  const dir = dirname(path);
  const look = (p: string): Stats | { kind: 'missing' } | { kind: 'denied'; why: string } => {
    try {
      return lstatSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') return { kind: 'denied', why: `${p} cannot be reached (permission denied)` };
      return { kind: 'missing' };
    }
  };
  const d = look(dir);
  if ('kind' in d) return d;
  if (!d.isDirectory()) return { kind: 'denied', why: `${dir} is not a folder (a symlink?)` };
  if (d.uid !== me) return { kind: 'denied', why: `${dir} belongs to uid ${d.uid}, not to this user (uid ${me})` };
  if ((d.mode & 0o077) !== 0) return { kind: 'denied', why: `${dir} is open to other users (mode ${(d.mode & 0o777).toString(8).padStart(4, '0')}, not 0700)` };
  const s = look(path);
  if ('kind' in s) return s;
  if (!s.isSocket()) return { kind: 'denied', why: `${path} is not a socket${s.isSymbolicLink() ? ' (a symlink)' : ''}` };
  if (s.uid !== me) return { kind: 'denied', why: `${path} belongs to uid ${s.uid}, not to this user (uid ${me})` };
  return undefined;
}

/**
 * Makes `dir` a folder only this user can enter (0700), creating it if needed (true when it did).
 * Refuses a folder that is a symlink or belongs to someone else: another user could then reach
 * the socket.
 */
export function ensurePrivateDir(dir: string): boolean {
  const made = mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined;
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder (a symlink?); refusing to put the control socket there`);
  if (st.uid !== uid()) throw new Error(`${dir} belongs to uid ${st.uid}, not to this user; refusing to put the control socket there`);
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
  return made;
}

const GITIGNORE = '# Made by procs: its runtime files (socket, pid, logs) stay out of version control.\n*\n';

/**
 * `ensurePrivateDir` for a project's `.procs/`; when it makes the folder, it puts a `.gitignore`
 * in it that ignores everything. An existing file (or link) is never replaced, and a
 * `.gitignore` that cannot be written never stops the run.
 */
export function ensureProjectDir(paths: ProjectPaths): void {
  if (!ensurePrivateDir(paths.dir)) return;
  try {
    const fd = openRegularSync(join(paths.dir, '.gitignore'), CREATE_NEW, 0o644);
    try {
      writeSync(fd, GITIGNORE);
    } finally {
      closeSync(fd);
    }
  } catch {
    // there already, or not writable: the run goes on without it
  }
}

/** True for an existing folder owned by this user. */
export function isOwnDir(dir: string): boolean {
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
