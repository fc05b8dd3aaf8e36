// The procs command line, whatever commands it is given: parse the arguments, answer --version
// and --help, then load and run the command asked for. A command's failure is said here, once,
// and mapped to its exit code (app/exit-codes.ts). command.ts gives it every command; a quick
// entry of the bundle (validate-main.ts) gives it the one command it carries.
import { ControlError } from '../control/api.js';
import { checkFlagsFor, parseArgs, type ParsedArgs } from './args.js';
import { commandHelp, helpText } from './help.js';
import { printable } from '../base/printable.js';
import { EXIT, exitCodeOf } from '../app/exit-codes.js';
import { UsageError } from '../app/usage-error.js';
import { printQuick } from './print.js';
import { version } from './version.js';

export type CommandMain = (args: ParsedArgs) => Promise<number>;

/** How to load each command, by name: only the one asked for is loaded. */
export type CommandLoaders = Readonly<Record<string, () => Promise<CommandMain>>>;

/** The commands a command line has, and its `--version --verbose` text (version.ts's). */
export interface CommandLine {
  readonly loaders: CommandLoaders;
  readonly verboseVersion: () => Promise<string>;
}

/** Runs the command line `argv` (without node and the script) with these commands; gives the exit code. */
export async function runCommandLine(argv: readonly string[], { loaders, verboseVersion }: CommandLine): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
    checkFlagsFor(args);
  } catch (err) {
    return failed('procs', err);
  }
  if (args.flags.version) {
    printQuick(args.flags.verbose === true ? await verboseVersion() : `${version()}\n`);
    return EXIT.ok;
  }
  if (args.command === 'help' || args.flags.help || !args.command) return help(args);
  const load = loaders[args.command];
  if (!load) {
    process.stderr.write(`procs ${printable(args.command)}: not available in this version yet\n`);
    return EXIT.usage;
  }
  const command = await load();
  try {
    return await command(args);
  } catch (err) {
    return failed(`procs ${args.command}`, err);
  }
}

/** `procs help [COMMAND]`, `procs COMMAND --help`, `procs --help`, `procs`: help on stdout. */
function help(args: ParsedArgs): number {
  const topic = args.command === 'help' ? args.positionals[0] : args.command;
  if (args.command === 'help' && args.positionals.length > 1) return failed('procs help', new UsageError('one command at a time: procs help COMMAND'));
  let text: string;
  try {
    text = topic === undefined ? helpText(version()) : commandHelp(topic);
  } catch (err) {
    return failed('procs help', err);
  }
  process.stdout.write(`${text}\n`);
  return args.command || args.flags.help ? EXIT.ok : EXIT.usage;
}

/**
 * Says a failure on stderr (`WHO: message`, then a control error's details indented) and gives
 * its exit code; a failure with no exit code is an internal error, thrown on.
 */
function failed(who: string, err: unknown): number {
  const code = exitCodeOf(err);
  if (code === undefined || !(err instanceof Error)) throw err;
  const details = err instanceof ControlError ? err.details.map((d) => `  ${d}\n`).join('') : '';
  process.stderr.write(`${who}: ${printable(err.message)}\n${details}`);
  return code;
}
