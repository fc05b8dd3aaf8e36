// Commands as other engines take them: an argv, or one line of POSIX shell (pipelines), with
// quoting that survives any argument.
import type { Command, UnitSpec } from '../config/spec.js';

/** Turns pipefail on where the shell has it (bash, busybox ash, zsh; not every dash) and goes on where it has not. */
const PIPEFAIL_GUARD = '(set -o pipefail) 2>/dev/null && set -o pipefail';

const DEFAULT_SHELL = '/bin/sh';

/** A word for a POSIX shell: as it is when it is plain, else single-quoted (`'` as `'\''`). */
export function shQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The argv a command runs as: exec form as written, shell form through its shell with `-c`. */
export function argvOf(cmd: Command): string[] {
  return cmd.kind === 'exec' ? [cmd.file, ...cmd.args] : [cmd.shell, '-c', cmd.script];
}

/** A command as text for `shell`: a script of that shell as it is, anything else as quoted words. */
function shellText(cmd: Command, shell: string = DEFAULT_SHELL): string {
  if (cmd.kind === 'shell' && cmd.shell === shell) return cmd.script;
  return argvOf(cmd).map(shQuote).join(' ');
}

/** A script that is one simple command, safe to place between pipes as it is. */
function isSimple(script: string): boolean {
  return !/[;&|(){}`#\n]/.test(script);
}

/** One pipeline element: a simple command as it is, anything else grouped in braces. */
function pipeElement(cmd: Command, shell: string): string {
  const text = shellText(cmd, shell);
  return cmd.kind === 'exec' || isSimple(text) ? text.trim() : `{ ${text}\n}`;
}

/** The argv of a pipeline: its steps joined by `|` in one shell, with pipefail where the shell has it. */
export function pipelineArgv(steps: readonly Command[]): string[] {
  const shell = steps.find((s) => s.kind === 'shell')?.shell ?? DEFAULT_SHELL;
  return [shell, '-c', pipelineScript(steps, shell)];
}

/** The script of a pipeline for `shell`. */
export function pipelineScript(steps: readonly Command[], shell: string = DEFAULT_SHELL): string {
  return `${PIPEFAIL_GUARD}; ${steps.map((s) => pipeElement(s, shell)).join(' | ')}`;
}

/** The argv that runs a unit: its command, or its pipeline's steps. */
export function unitArgv(unit: UnitSpec): string[] {
  return unit.kind === 'pipeline' ? pipelineArgv(unit.steps) : argvOf(unit.command);
}
