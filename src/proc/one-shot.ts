// The one-shot runner (runtime/one-shot.ts's port): the command leads a process group of its own,
// and a timeout, an abort or too much output kill that whole group with SIGKILL at once; what the
// command leaves running in its group is killed as soon as it has ended.
//
// Written on node:child_process rather than execa: measured in the bundle, execa made each exec
// probe ~40% slower, the first one ~40 ms later (loading it) and procs ~17 MB bigger.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Command } from '../config/spec.js';
import type { OutputSink } from '../events/sink.js';
import { pumpLines } from './lines.js';
import { exitStatus } from '../events/exit.js';
import type { OneShotOptions, OneShotResult } from '../runtime/one-shot.js';

/** A command as a program and its arguments: a script goes through its shell. */
function commandArgv(command: Command): [file: string, args: string[]] {
  return command.kind === 'shell' ? [command.shell, ['-c', command.script]] : [command.file, [...command.args]];
}

/** Why a program could not be started, as a shell would put it; names the program only, never its arguments. */
export function startFailure(file: string, code: string | undefined): { status: number; error: string } {
  const why = code === 'ENOENT' ? 'command not found' : code === 'EACCES' ? 'permission denied' : (code ?? 'cannot start');
  return { status: code === 'ENOENT' ? 127 : 126, error: `cannot run ${file}: ${why}` };
}

/** Who ends a one-shot's group if procs dies while it runs: the host's guard (spawner or shell guardian). */
export interface GroupGuard {
  guard(pgid: number): void;
  release(pgid: number): void;
}

/** Where a one-shot's output goes line by line (a unit's hook: `api:post_start`), instead of captured or discarded. */
export interface OneShotLines {
  readonly sink: OutputSink;
  readonly unit: string;
}

/**
 * Runs `command` to its end in a process group of its own; never rejects. With `guard`, the group
 * is guarded from its start until it is gone, so that it ends with procs however procs ends. With
 * `lines` (and no `capture`), its output goes into a sink, and it ends once all of it is there.
 */
export function runOneShot(command: Command, options: OneShotOptions, guard?: GroupGuard, lines?: OneShotLines): Promise<OneShotResult> {
  const [file, args] = commandArgv(command);
  const { capture, signal } = options;
  const output = capture || lines ? 'pipe' : 'ignore';
  let child: ChildProcess;
  try {
    child = spawn(file, args, { cwd: options.cwd, env: { ...options.env }, detached: true, stdio: ['ignore', output, output] });
  } catch (err) {
    // An argument Node refuses (a NUL byte): it never started.
    const failure = startFailure(file, (err as NodeJS.ErrnoException).code);
    return Promise.resolve({ ...failure, timedOut: false, canceled: false, outputLimited: false, stdout: '', stderr: '' });
  }
  const pgid = child.pid;
  if (pgid !== undefined) guard?.guard(pgid);
  const why = { timedOut: false, canceled: false, outputLimited: false };
  const text = { stdout: '', stderr: '' };
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone
    }
  };
  const stop = (reason: keyof typeof why): void => {
    why[reason] = true;
    killGroup();
  };
  const onAbort = (): void => stop('canceled');
  const timer = options.timeoutMs !== undefined && options.timeoutMs > 0 ? setTimeout(() => stop('timedOut'), options.timeoutMs) : undefined;
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  if (capture) {
    const keep = (stream: Readable | null, key: keyof typeof text): void => {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        if (capture.keep === 'end') {
          text[key] = (text[key] + chunk).slice(-capture.maxChars);
          return;
        }
        const room = capture.maxChars - text[key].length;
        text[key] += chunk.length > room ? chunk.slice(0, room) : chunk;
        if (chunk.length > room && !why.outputLimited) stop('outputLimited');
      });
    };
    keep(child.stdout, 'stdout');
    keep(child.stderr, 'stderr');
  }
  const pumped =
    lines && !capture
      ? Promise.all([
          pumpLines(child.stdout, lines.sink, { unit: lines.unit, stream: 'stdout' }),
          pumpLines(child.stderr, lines.sink, { unit: lines.unit, stream: 'stderr' }),
        ])
      : Promise.resolve();
  return new Promise((resolve) => {
    let status: number | null = null;
    const done = (start?: { status: number; error: string }): void => {
      clearTimeout(timer);
      if (pgid !== undefined) guard?.release(pgid);
      signal?.removeEventListener('abort', onAbort);
      const killed = why.timedOut || why.canceled || why.outputLimited;
      resolve({ ...why, ...text, ...(start ?? { status: killed ? null : status }) });
    };
    child.once('error', (err: NodeJS.ErrnoException) => done(startFailure(file, err.code)));
    child.once('exit', (code, sig) => {
      status = exitStatus(code, sig);
      clearTimeout(timer);
      // Anything it left in its group goes with it (and lets go of its output pipes).
      killGroup();
    });
    child.once('close', () => void pumped.then(() => done()));
  });
}
