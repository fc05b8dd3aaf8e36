// The commands of systemd units as procs ran them: a bare program name (node, npm, python3) is
// replaced by the absolute path procs found on its PATH, so that the unit does not depend on
// systemd's own PATH. For a shell command, the script's first word is resolved the same way
// (what the shell would look up on PATH: not its builtins or reserved words); a pipeline's steps
// each. Paths relative to the unit's cwd are made absolute for ExecStart= (systemd wants an
// absolute path or a bare name) and stay as written inside scripts, which run in WorkingDirectory=.
import path from 'node:path';
import type { Command, UnitSpec } from '../config/spec.js';
import { argvOf, pipelineArgv, shQuote } from './shell.js';
import type { ExportOptions } from './types.js';

/** systemd's PATH for services when a unit sets none (merged /usr; /sbin and /bin also on others). */
export const SYSTEMD_DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin';

/** Words the shell itself runs: never looked up on PATH, so never replaced by a path. */
const SHELL_OWN = new Set(
  [
    '! { } case do done elif else esac fi for if in then until while function select',
    'break : continue . eval exec exit export readonly return set shift times trap unset',
    'alias bg cd command false fc fg getopts hash jobs kill local newgrp pwd read source true type ulimit umask unalias wait echo printf test',
  ].flatMap((l) => l.split(' ')),
);

/** A script's first word when it is a plain command name, with what stands before it and after. */
const FIRST_WORD = /^(\s*)([A-Za-z0-9_][A-Za-z0-9_.+-]*)(?=\s|$)/;

/** Characters that make a script more than one command (its later commands are found on the unit's PATH). */
const MORE_COMMANDS = /[;&|\n`]|\$\(/;

/** A script's first word as written to the unit (a path once resolved). */
const WRITTEN_WORD = /^\s*(\S+)/;

export interface ResolvedCommand {
  /** The argv for an Exec*= line. */
  readonly argv: string[];
  /** The program that runs first, as written to the unit (`/usr/bin/node`), for the key table. */
  readonly program: string;
  /** Bare names procs could not find on PATH: systemd looks them up on its own PATH. */
  readonly unresolved: readonly string[];
  /** A shell script that runs further commands after its first word (found on the unit's PATH). */
  readonly moreCommands: boolean;
}

type Lookup = (name: string) => string | undefined;

/** The options' resolver, or one that finds nothing. */
export function lookupOf(options: ExportOptions): Lookup {
  return options.resolveCommand ?? (() => undefined);
}

/** One command with its program resolved; the names that were not found. */
function resolveOne(cmd: Command, lookup: Lookup, unresolved: string[]): Command {
  const bare = (name: string): string => {
    if (name.includes('/')) return name;
    const found = lookup(name);
    if (found === undefined) unresolved.push(name);
    return found ?? name;
  };
  if (cmd.kind === 'exec') return { ...cmd, file: bare(cmd.file) };
  const m = FIRST_WORD.exec(cmd.script);
  const word = m?.[2];
  const shell = bare(cmd.shell);
  if (!m || word === undefined || SHELL_OWN.has(word)) return { ...cmd, shell };
  const found = lookup(word);
  if (found === undefined) {
    unresolved.push(word);
    return { ...cmd, shell };
  }
  return { ...cmd, shell, script: `${m[1] ?? ''}${shQuote(found)}${cmd.script.slice(m[0].length)}` };
}

/** The program an argv runs first: the file, or the first word of a `sh -c` script. */
function programOf(argv: readonly string[], cmd: Command | undefined): string {
  if (cmd?.kind === 'shell') return `${argv[0] ?? ''} -c ${WRITTEN_WORD.exec(argv[2] ?? '')?.[1] ?? '…'}`;
  return argv[0] ?? '';
}

/** An argv whose relative program (`./bin/x`) is made absolute against `cwd`. */
function absoluteProgram(argv: string[], cwd: string): string[] {
  const file = argv[0] ?? '';
  if (file.includes('/') && !path.isAbsolute(file)) argv[0] = path.resolve(cwd, file);
  return argv;
}

/** A hook's (or any single) command for an Exec*= line of a unit. */
export function resolveCommandLine(cmd: Command, unit: UnitSpec, options: ExportOptions): ResolvedCommand {
  const unresolved: string[] = [];
  const resolved = resolveOne(cmd, lookupOf(options), unresolved);
  const argv = absoluteProgram(argvOf(resolved), unit.cwd);
  const moreCommands = cmd.kind === 'shell' && MORE_COMMANDS.test(cmd.script);
  return { argv, program: programOf(argv, resolved), unresolved: [...new Set(unresolved)], moreCommands };
}

/** A unit's ExecStart= argv: its command, or its pipeline's steps each resolved. */
export function resolveUnitCommand(unit: UnitSpec, options: ExportOptions): ResolvedCommand {
  if (unit.kind !== 'pipeline') return resolveCommandLine(unit.command, unit, options);
  const unresolved: string[] = [];
  const steps = unit.steps.map((s) => resolveOne(s, lookupOf(options), unresolved));
  const argv = absoluteProgram(pipelineArgv(steps), unit.cwd);
  const moreCommands = unit.steps.some((s) => s.kind === 'shell' && MORE_COMMANDS.test(s.script));
  return { argv, program: `${argv[0] ?? ''} -c`, unresolved: [...new Set(unresolved)], moreCommands };
}

/**
 * The `how` of a command key and the notes it needs: mapped when every program is an absolute
 * path and nothing is left to systemd's PATH; approximated otherwise.
 */
export function commandFate(r: ResolvedCommand, line: string, options: ExportOptions): { fate: 'mapped' | 'approximated'; how: string; notes: string[] } {
  const notes: string[] = [];
  if (r.unresolved.length > 0) {
    const names = r.unresolved.join(', ');
    notes.push(`${names} not found on PATH here: systemd looks ${r.unresolved.length > 1 ? 'them' : 'it'} up on the unit's PATH at run time`);
    return { fate: 'approximated', how: `${line}${r.program}; ${names} found through systemd's PATH at run time`, notes };
  }
  if (r.moreCommands && options.searchPath === undefined) {
    notes.push(`the script's later commands are looked up on systemd's PATH (${SYSTEMD_DEFAULT_PATH}); --path gives the units procs' PATH`);
    return { fate: 'approximated', how: `${line}${r.program}; later commands through systemd's PATH`, notes };
  }
  return { fate: 'mapped', how: `${line}${r.program}`, notes };
}

/**
 * A resolved program outside systemd's PATH (nvm's node, a virtualenv's python): scripts it starts
 * with `#!/usr/bin/env node` look the interpreter up on the unit's PATH, which --path sets.
 */
export function outsideDefaultPath(r: ResolvedCommand, options: ExportOptions): string | undefined {
  if (options.searchPath !== undefined) return undefined;
  const dirs = new Set([...SYSTEMD_DEFAULT_PATH.split(':'), '/usr/bin', '/bin', '/usr/sbin', '/sbin']);
  const program = r.argv[0] ?? '';
  const first = r.argv[1] === '-c' ? (WRITTEN_WORD.exec(r.argv[2] ?? '')?.[1] ?? '') : program;
  const dir = path.isAbsolute(first) ? path.dirname(first) : path.isAbsolute(program) ? path.dirname(program) : undefined;
  return dir !== undefined && !dirs.has(dir) ? dir : undefined;
}

/** The Environment= PATH of `--path`, unless the unit sets PATH itself (its own wins, as in procs). */
export function searchPathEnv(options: ExportOptions, env: Readonly<Record<string, string>>): Record<string, string> {
  return options.searchPath !== undefined && env.PATH === undefined ? { PATH: options.searchPath } : {};
}
