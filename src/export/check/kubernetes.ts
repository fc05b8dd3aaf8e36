// The offline check of a kubernetes export.
import type { ExportFile } from '../types.js';
import type { CheckReport } from './types.js';

/** Every problem of the files of a kubernetes export, per file. */
export function checkKubernetes(files: readonly ExportFile[]): CheckReport[] {
  return files.map((f) => ({ file: f.path, checker: 'none yet', problems: [] }));
}
