// Reading files from disk for the loader: text, or a short reason it could not be read.
import { readFileSync } from 'node:fs';
import type { ReadResult } from './context.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** Reads a UTF-8 text file; never throws. */
export function readFromDisk(file: string): ReadResult {
  try {
    return { ok: true, text: readFileSync(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code] ?? (code || (err instanceof Error ? err.message : String(err)));
    return { ok: false, missing: code === 'ENOENT' || code === 'ENOTDIR', reason };
  }
}
