// `sync: DEST`: mirrors what changed into another folder before the rule's `run`. A file is
// copied to a temporary name beside its destination and renamed into place, so a reader sees
// the old file or the new one, never half of one; deletions are mirrored, folders included.
import { copyFile, mkdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

export interface SyncRequest {
  /** The folder the changed paths are relative to (the rule's cwd). */
  readonly from: string;
  /** The destination folder (absolute). */
  readonly to: string;
  /** Changed paths, relative to `from`; paths leading out of it are skipped. */
  readonly paths: readonly string[];
}

export interface SyncResult {
  readonly copied: number;
  readonly removed: number;
}

/** How many files are copied at the same time. */
const PARALLEL = 16;

let sequence = 0;

// The state of a source path now: a file, a folder, or gone.
async function kindOf(p: string): Promise<'file' | 'dir' | 'gone'> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'dir' : 'file';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'gone';
    throw err;
  }
}

// Copies `src` to `dst` through a temporary file in the destination folder.
async function copyAtomic(src: string, dst: string): Promise<void> {
  await mkdir(path.dirname(dst), { recursive: true });
  const tmp = path.join(path.dirname(dst), `.${path.basename(dst)}.procs-${process.pid}-${++sequence}.tmp`);
  try {
    await copyFile(src, tmp);
    await rename(tmp, dst);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

// Removes a deleted path from the mirror, and mirror folders whose source folder is gone too.
async function removeMirrored(req: SyncRequest, rel: string): Promise<void> {
  await rm(path.join(req.to, rel), { recursive: true, force: true });
  for (let dir = path.dirname(rel); dir !== '.' && dir !== ''; dir = path.dirname(dir)) {
    if ((await kindOf(path.join(req.from, dir))) !== 'gone') break;
    await rm(path.join(req.to, dir), { recursive: true, force: true });
  }
}

// Mirrors one changed path by what its source is now (so a file added then deleted within
// one burst ends up deleted). Returns what was done.
async function syncOne(req: SyncRequest, rel: string): Promise<'copied' | 'removed' | 'none'> {
  const kind = await kindOf(path.join(req.from, rel));
  if (kind === 'file') {
    await copyAtomic(path.join(req.from, rel), path.join(req.to, rel));
    return 'copied';
  }
  if (kind === 'dir') {
    await mkdir(path.join(req.to, rel), { recursive: true });
    return 'none';
  }
  await removeMirrored(req, rel);
  return 'removed';
}

/** Mirrors the changed paths into `to`; rejects with the first error (what was done stays done). */
export async function syncChanges(req: SyncRequest): Promise<SyncResult> {
  const paths = req.paths.filter((p) => p !== '' && p !== '.' && !path.isAbsolute(p) && !p.split('/').includes('..'));
  let copied = 0;
  let removed = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const rel = paths[next++] ?? '';
      const done = await syncOne(req, rel);
      if (done === 'copied') copied++;
      else if (done === 'removed') removed++;
    }
  };
  await mkdir(req.to, { recursive: true });
  await Promise.all(Array.from({ length: Math.min(PARALLEL, paths.length) }, worker));
  return { copied, removed };
}
