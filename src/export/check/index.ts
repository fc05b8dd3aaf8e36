// `procs export --check`: the exported files checked offline by each engine's own rules, each
// target's checker loaded only when asked for (the Kubernetes models and the compose schema are
// large). systemd-analyze, a program, is run by the command line through proc/, not here.
import type { ExportFile, Target } from '../types.js';
import type { CheckReport } from './types.js';

export type { CheckReport } from './types.js';

/** The problems the offline checkers find in the files of `target`. */
export async function checkExport(target: Target, files: readonly ExportFile[]): Promise<CheckReport[]> {
  switch (target) {
    case 'kubernetes':
      return (await import('./kubernetes.js')).checkKubernetes(files);
    case 'compose':
      return (await import('./compose.js')).checkCompose(files);
    case 'systemd':
      return (await import('./systemd.js')).checkSystemd(files);
  }
}
