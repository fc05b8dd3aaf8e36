// The one-shot runner (runtime/one-shot.ts's port) on execa: the command leads a process group of
// its own (`killDescendants`), and a timeout, an abort or too much output kill that whole group
// with SIGKILL at once; what the command leaves running in its group is killed when it ends.
// execa is loaded on the first run only: commands that never run a one-shot do not pay for it.
import type { Command } from '../config/spec.js';
import { exitStatus } from '../events/exit.js';
import type { OneShotOptions, OneShotResult } from '../runtime/one-shot.js';

/** A command as a program and its arguments: a script goes through its shell. */
export function commandArgv(command: Command): [file: string, args: string[]] {
  return command.kind === 'shell' ? [command.shell, ['-c', command.script]] : [command.file, [...command.args]];
}

/** Why a program could not be started, as a shell would put it. */
export function startFailure(file: string, code: string | undefined): { status: number; error: string } {
  const why = code === 'ENOENT' ? 'command not found' : code === 'EACCES' ? 'permission denied' : (code ?? 'cannot start');
  return { status: code === 'ENOENT' ? 127 : 126, error: `cannot run ${file}: ${why}` };
}

/** Runs `command` to its end in a process group of its own; never rejects. */
export async function runOneShot(command: Command, options: OneShotOptions): Promise<OneShotResult> {
  const { execa } = await import('execa');
  const [file, args] = commandArgv(command);
  const capture = options.capture;
  const subprocess = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    stdin: 'ignore',
    stdout: capture ? 'pipe' : 'ignore',
    stderr: capture ? 'pipe' : 'ignore',
    buffer: capture !== undefined,
    ...(capture ? { maxBuffer: capture.maxChars } : {}),
    stripFinalNewline: false,
    // Its own process group, and every kill execa sends goes to the whole group.
    killDescendants: true,
    killSignal: 'SIGKILL',
    forceKillAfterDelay: false,
    timeout: options.timeoutMs ?? 0,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    // procs ends every one-shot itself (an abort when it stops); execa's exit hook would patch
    // process.emit and listen to a dozen signals beside procs' own wiring while a command runs.
    cleanup: false,
    reject: false,
  });
  // Once it has ended, anything it left in its group goes with it (and lets go of its output pipes).
  subprocess.nodeChildProcess.once('exit', () => subprocess.kill('SIGKILL'));
  const r = await subprocess;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const base = { timedOut: r.timedOut, canceled: r.isCanceled, outputLimited: r.isMaxBuffer, stdout: text(r.stdout), stderr: text(r.stderr) };
  if (r.timedOut || r.isCanceled || r.isMaxBuffer) return { ...base, status: null };
  if (r.exitCode === undefined && r.signal === undefined) return { ...base, ...startFailure(file, r.code) };
  return { ...base, status: exitStatus(r.exitCode ?? null, r.signal ?? null) };
}
