// The pid lock when `.procs/` cannot be written (a read-only or full folder, `.procs` not a
// folder): a foreground `up` then runs without a control socket, but never without a lock. It is
// taken in the user's private folder (`privateDir` in paths.ts, checked to be ours and 0700), named by a hash of
// the project path; a procs claiming `.procs/` looks there too, so two runs of one project never
// both go on.
import { join } from 'node:path';
import { ensurePrivateDir, isOwnDir, privateDir } from './paths.js';
import { acquirePidLock, livePid, type LockResult } from './pidlock.js';

/** `.procs/procs.pid` could not be taken for a reason of the file system (not because it is held). */
export class LockUnwritable extends Error {
  constructor(file: string, cause: unknown) {
    super(`cannot write ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The spare lock's path for the project in `root`. */
function spareLockPath(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(privateDir(env), `${pathHash(root)}.pid`);
}

/** Takes the spare lock (creating the private folder), or says which live procs holds it. */
export function claimSpareLock(root: string, env: NodeJS.ProcessEnv = process.env): LockResult {
  ensurePrivateDir(privateDir(env));
  return acquirePidLock(spareLockPath(root, env));
}

/** The live procs holding the project's spare lock, if any. */
export function spareHolder(root: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  // A folder someone else made under the guessable name holds no lock of ours.
  if (!isOwnDir(privateDir(env))) return undefined;
  try {
    return livePid(spareLockPath(root, env));
  } catch {
    return undefined; // not a regular file: nobody's lock
  }
}

/** 16 hex digits naming a path: two FNV-1a hashes (cheap; node:crypto costs every start a few ms). */
function pathHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 2) >>> 0;
  }
  return `lock-${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}
