// A string command that is only plain words (`node server.js --port 3000`) means the same with or
// without the shell, so it is exec'd directly, as foreman and PM2 do: no `sh -c` parent per unit.
// Anything the shell would interpret — `$`, quotes, globs, redirections, `;&|`, a leading
// `VAR=value`, a builtin or keyword — keeps the shell, and so does a program the shell would
// handle differently from execve: not found, not executable, or a script without `#!`.
import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';

/** Plain words: letters, digits and `_ - . / : = @ % + ,`, separated by spaces or tabs. */
const PLAIN = /^[\w\-./:=@%+,]+(?:[ \t]+[\w\-./:=@%+,]+)*$/;

/** Shells whose `-c` runs a line of plain words as that program with those arguments. */
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh']);

/** Words the shell runs itself rather than exec'ing a program of that name. */
const SHELL_WORDS = new Set(
  (
    '. : [ alias bg break builtin cd chdir command continue declare echo eval exec exit export false fc fg ' +
    'getopts hash jobs kill let local logout printf pwd read readonly return set shift source test times ' +
    'trap true type typeset ulimit umask unalias unset wait case do done elif else esac fi for function if ' +
    'in select then time until while'
  ).split(' '),
);

/** The dash default when PATH is unset. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// The argv of a script made of plain words, or undefined when the shell must run it.
export function plainWords(script: string, shell: string): string[] | undefined {
  if (!POSIX_SHELLS.has(basename(shell))) return undefined;
  const line = script.trim();
  if (!PLAIN.test(line)) return undefined;
  const words = line.split(/[ \t]+/);
  const first = words[0];
  if (first === undefined || first.includes('=') || SHELL_WORDS.has(first)) return undefined;
  return words;
}

// Whether execve would run `path` itself: a regular executable file starting with `#!` or ELF.
function directlyExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(4);
      const n = readSync(fd, head, 0, 4, 0);
      return (n >= 2 && head[0] === 0x23 && head[1] === 0x21) || (n === 4 && head.toString('latin1') === '\x7fELF');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Programs found on PATH, remembered by one process host and re-checked with one access() before each use. */
export class ProgramFinder {
  /** Resolved programs, by PATH, cwd and name. */
  readonly #found = new Map<string, string>();

  /** The file the shell would run for `name`, searched like the shell does, or undefined. */
  find(name: string, path: string | undefined, cwd: string): string | undefined {
    const key = `${path ?? ''}\0${cwd}\0${name}`;
    const known = this.#found.get(key);
    if (known !== undefined) {
      try {
        accessSync(known, constants.X_OK);
        return known;
      } catch {
        this.#found.delete(key);
      }
    }
    const candidates = name.includes('/')
      ? [isAbsolute(name) ? name : resolve(cwd, name)]
      : (path ?? DEFAULT_PATH).split(':').map((dir) => (dir === '' ? join(cwd, name) : resolve(cwd, dir, name)));
    for (const file of candidates) {
      if (!directlyExecutable(file)) continue;
      this.#found.set(key, file);
      return file;
    }
    return undefined;
  }
}

/** What to exec instead of `shell -c script`: the program, its argv[0] and arguments. */
export interface DirectCommand {
  readonly file: string;
  readonly argv0: string;
  readonly args: string[];
}

// The direct form of a string command, or undefined when it needs the shell; `programs` finds
// (and remembers) the program.
export function directCommand(
  script: string,
  shell: string,
  env: Readonly<Record<string, string>>,
  cwd: string,
  programs: ProgramFinder = new ProgramFinder(),
): DirectCommand | undefined {
  const words = plainWords(script, shell);
  const first = words?.[0];
  if (words === undefined || first === undefined) return undefined;
  const file = programs.find(first, env.PATH, cwd);
  return file === undefined ? undefined : { file, argv0: first, args: words.slice(1) };
}
