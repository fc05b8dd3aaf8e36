// The offline check of a compose export.
import type { ExportFile } from '../types.js';
import type { CheckReport } from './types.js';

/** Every problem of the files of a compose export, per file. */
export function checkCompose(files: readonly ExportFile[]): CheckReport[] {
  return files.map((f) => ({ file: f.path, checker: 'none yet', problems: [] }));
}
