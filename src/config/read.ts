// Reading files from disk for the loader: text, or a short reason it could not be read.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import type { ReadResult } from './context.js';
import { MAX_SPEC_BYTES, sizeText } from './limits.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/**
 * Reads a UTF-8 text file; never throws, and never waits: a FIFO, a device (`/dev/zero`) or a
 * socket is refused, since reading one may block for ever or never end; and a file larger than
 * `maxBytes` is refused before it is read.
 */
export function readFromDisk(file: string, maxBytes = MAX_SPEC_BYTES): ReadResult {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (st.isDirectory()) return { ok: false, missing: false, reason: REASONS.EISDIR ?? 'it is a directory' };
    if (!st.isFile()) return { ok: false, missing: false, reason: 'not a regular file' };
    if (st.size > maxBytes) return { ok: false, missing: false, reason: `it is larger than ${sizeText(maxBytes)}` };
    return { ok: true, text: readFileSync(fd, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code] ?? (code || (err instanceof Error ? err.message : String(err)));
    return { ok: false, missing: code === 'ENOENT' || code === 'ENOTDIR', reason };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
