// The one-shot port: how health probes (and `export --check` validators) run a command to its end
// without knowing how a process is made. proc/one-shot.ts implements it; tests may pass a fake.
import type { Command } from '../config/spec.js';

export interface OneShotOptions {
  readonly cwd: string;
  /** The command's whole environment: nothing of procs' own is added. */
  readonly env: Readonly<Record<string, string>>;
  /** Aborting kills the command and its whole process group at once; the result is `canceled`. */
  readonly signal?: AbortSignal;
  /** Kills the command and its whole process group this long after it started; the result is `timedOut`. */
  readonly timeoutMs?: number;
  /**
   * Captures stdout and stderr (as UTF-8 text), at most `maxChars` characters each: a command that
   * writes more is killed with its group and the result is `outputLimited`, its output cut at the
   * limit. With `keep: 'end'` it keeps the last `maxChars` characters of each instead, and the
   * command runs on however much it writes. Without `capture` the output is discarded.
   */
  readonly capture?: { readonly maxChars: number; readonly keep?: 'start' | 'end' };
}

export interface OneShotResult {
  /**
   * Its exit status as a shell reports it: its code, 128+N when it died of signal N, 127 when it
   * was not found, 126 when it could not be run; null when it was killed for its timeout, on abort
   * or for too much output (then `timedOut`, `canceled` or `outputLimited` says which).
   */
  readonly status: number | null;
  readonly timedOut: boolean;
  readonly canceled: boolean;
  /** Why it could not start (`cannot run foo: command not found`), when it did not. */
  readonly error?: string;
  /** What it wrote, when captured (empty otherwise). */
  readonly stdout: string;
  readonly stderr: string;
  /** Whether it was killed for writing more than `capture.maxChars` (never with `keep: 'end'`). */
  readonly outputLimited: boolean;
}

/**
 * Runs a command (argv, or a script through its shell) in a process group of its own, and
 * resolves once it has ended and its output is read; by then everything left in its group has
 * been sent SIGKILL. Never rejects. A result holds no environment value unless the command
 * printed one (error texts name the program, not its arguments or env).
 */
export type OneShotRunner = (command: Command, options: OneShotOptions) => Promise<OneShotResult>;
