// The parsed trees of spec files, kept between runs in the user's private folder
// (`$XDG_RUNTIME_DIR/procs/spec-cache/`, else `/tmp/procs-<uid>/spec-cache/`, 0700): a command that
// loads a spec whose text is the same as when it was last parsed takes the tree from there instead
// of parsing the YAML again, and the daemon of `up -d` finds what its client just parsed. An entry
// holds the file's path and whole text, and is used only when both are the same; one entry per
// path, replaced whole; past KEEP entries the least recently written go. Any problem (no folder
// of ours, an unreadable or odd entry) is a miss.
import { lstatSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TreeCache } from '../config/context.js';
import { hash128 } from '../config/hash.js';
import { decodeTree, encodeTree } from '../config/tree-codec.js';
import { readWholeRegularSync, writeRegularSync } from '../events/regular-file.js';
import { ensurePrivateDir, privateDir } from './paths.js';

const VERSION = 1;
/** An entry larger than this is not read (the spec's own bound is 4 MiB; its tree is a few times that). */
const MAX_ENTRY_BYTES = 32 * 1024 * 1024;
/** Entries kept: one per spec file loaded lately. */
const KEEP = 64;

interface Stored {
  readonly v: number;
  readonly file: string;
  readonly text: string;
  readonly tree: unknown;
}

/**
 * The cache in `dir` (in the user's private folder by default). It is used only while that folder
 * and the one holding it are this user's and closed to others: `/tmp/procs-<uid>` can be made
 * first by anyone, and entries put there by another user would be trees procs runs.
 */
export function specCache(dir: string = join(privateDir(), 'spec-cache')): TreeCache {
  const entry = (file: string): string => join(dir, `${hash128(file)}.json`);
  const trusted = (): boolean => closedFolder(dirname(dir)) && closedFolder(dir);
  return {
    get(file, text) {
      try {
        if (!trusted()) return undefined;
        const raw = readWholeRegularSync(entry(file), MAX_ENTRY_BYTES);
        if (raw === undefined) return undefined;
        const stored = JSON.parse(raw) as Partial<Stored> | null;
        if (stored?.v !== VERSION || stored.file !== file || stored.text !== text) return undefined;
        return decodeTree(stored.tree, file);
      } catch {
        return undefined;
      }
    },
    put(file, text, tree) {
      try {
        const encoded = encodeTree(tree, file);
        if (encoded === undefined) return;
        ensurePrivateDir(dirname(dir));
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        if (!trusted()) return;
        const stored: Stored = { v: VERSION, file, text, tree: encoded };
        writeRegularSync(entry(file), JSON.stringify(stored));
        prune(dir);
      } catch {
        // no cache this time
      }
    },
  };
}

// Removes the entries past the KEEP most recently written.
function prune(dir: string): void {
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  if (names.length <= KEEP) return;
  const written = names.map((n) => ({ n, t: statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 }));
  written.sort((a, b) => b.t - a.t);
  for (const { n } of written.slice(KEEP)) rmSync(join(dir, n), { force: true });
}

// A folder (not a link) of this user's that no one else may enter.
function closedFolder(dir: string): boolean {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  return st !== undefined && st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o077) === 0;
}
