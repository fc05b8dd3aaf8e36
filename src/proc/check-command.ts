import { spawn } from 'node:child_process';
import type { Command } from '../config/spec.js';
import { exitStatus } from '../events/exit.js';

/**
 * Runs a probe command in its own process group and returns its exit status; when `signal`
 * aborts, the whole group is killed and the promise resolves with null once the leader is gone,
 * so a probe never outlives its timeout.
 */
export function runCheckCommand(
  command: Command,
  opts: { cwd: string; env: Readonly<Record<string, string>>; signal: AbortSignal },
): Promise<number | null> {
  const [file, args] = command.kind === 'shell' ? [command.shell, ['-c', command.script]] : [command.file, [...command.args]];
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: { ...opts.env }, detached: true, stdio: 'ignore' });
    let aborted = false;
    const kill = (): void => {
      aborted = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    if (opts.signal.aborted) kill();
    else opts.signal.addEventListener('abort', kill, { once: true });
    child.once('error', () => {
      opts.signal.removeEventListener('abort', kill);
      resolve(127);
    });
    child.once('exit', (code, sig) => {
      opts.signal.removeEventListener('abort', kill);
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL'); // anything the check left in its group
        } catch {
          // group empty
        }
      }
      resolve(aborted ? null : exitStatus(code, sig));
    });
  });
}
