// Units on a pseudo-terminal (`tty: true`): procs starts them through the terminal helper
// (native/procs-tty.c, compiled at build or install; native/procs-tty.py through python3 where it
// was not), which opens the terminal, leaves a relay to copy it to procs and execs the program in
// its place. PROCS_TTY_HELPER=python uses the python3 helper even when the compiled one is there,
// PROCS_TTY_HELPER=none neither (both for tests). Also the environment a run gets for its output:
// TERM on a terminal, FORCE_COLOR=1 when its lines go to procs' coloured terminal.
import { accessSync, constants as fsc, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { UnitSpec } from '../config/spec.js';
import { TTY_HELPER_BINARY, TTY_HELPER_SCRIPT } from '../self.js';
import type { WindowSize } from './unit-input.js';

/** The program that runs units on a terminal, or why there is none. */
export type TtyHelper = { readonly file: string; readonly args: readonly string[] } | { readonly missing: string };

/** Whether `path` is a regular file this process may execute. */
export function executable(path: string): boolean {
  try {
    accessSync(path, fsc.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** python3 on procs' own PATH. */
export function python3(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '' || !dir.startsWith('/')) continue;
    const path = join(dir, 'python3');
    if (executable(path)) return path;
  }
  return undefined;
}

/** The terminal helper to use here: the compiled one, else python3 with the script. */
export function ttyHelper(): TtyHelper {
  const chosen = process.env.PROCS_TTY_HELPER;
  if (chosen !== 'python' && chosen !== 'none' && executable(TTY_HELPER_BINARY)) return { file: TTY_HELPER_BINARY, args: [] };
  const python = chosen === 'none' ? undefined : python3();
  if (python !== undefined) return { file: python, args: [TTY_HELPER_SCRIPT] };
  return {
    missing: `tty: true needs the terminal helper ${TTY_HELPER_BINARY} (built with a C compiler when procs is built or installed) or python3 on the PATH; neither is here`,
  };
}

/**
 * The helper's command line for `line`: a terminal of `size`, the control channel on fd `ctlFd`;
 * the terminal becomes fd 0-2 (`stdio`) or replaces fd `ctlFd` (`fd`: the pipeline runner).
 */
export function onTerminal(
  helper: { readonly file: string; readonly args: readonly string[] },
  line: { readonly file: string; readonly args: readonly string[]; readonly argv0?: string | undefined },
  size: WindowSize,
  ctlFd: number,
  mode: 'stdio' | 'fd',
): { file: string; args: string[] } {
  return {
    file: helper.file,
    args: [...helper.args, String(size.cols), String(size.rows), String(ctlFd), mode, line.file, line.argv0 ?? line.file, ...line.args],
  };
}

/**
 * A run's environment for its output: TERM=xterm-256color on a terminal unless set; without
 * one, FORCE_COLOR=1 when `color` (procs' own output is a coloured terminal), unless the unit
 * has `color: false` or its environment sets FORCE_COLOR or NO_COLOR.
 */
export function outputEnv(unit: UnitSpec, env: Readonly<Record<string, string>>, color: boolean): Readonly<Record<string, string>> {
  if (unit.tty === true) return env.TERM === undefined ? { ...env, TERM: 'xterm-256color' } : env;
  if (!color || unit.noColor === true || env.FORCE_COLOR !== undefined || env.NO_COLOR !== undefined) return env;
  return { ...env, FORCE_COLOR: '1' };
}
