// The offline check of a systemd export.
import type { ExportFile } from '../types.js';
import type { CheckReport } from './types.js';

/** Every problem of the files of a systemd export, per file. */
export function checkSystemd(files: readonly ExportFile[]): CheckReport[] {
  return files.map((f) => ({ file: f.path, checker: 'none yet', problems: [] }));
}
