// Making FIFOs with mkfifo(1): Node has no mkfifo(3) nor pipe(2). Used by the output pipes
// (output-pipes.ts) and by the pipeline runner for the pipes between its steps.
import { spawnSync } from 'node:child_process';

/**
 * Makes a FIFO (mode 0600) at each of `paths` in one run of mkfifo, found in /usr/bin or /bin
 * before PATH. Its stderr is read (`pipe`) or passed on (`inherit`). Gives why it failed, or
 * undefined once every FIFO is made.
 */
export function makeFifos(paths: readonly string[], stderr: 'pipe' | 'inherit'): string | undefined {
  const path = `/usr/bin:/bin:${process.env.PATH ?? ''}`;
  const run = spawnSync('mkfifo', ['-m', '600', ...paths], { stdio: ['ignore', 'ignore', stderr], env: { PATH: path } });
  if (run.status === 0) return undefined;
  if (run.error !== undefined) return run.error.message;
  return (stderr === 'pipe' ? String(run.stderr).trim() : '') || `status ${run.status}`;
}
