// The procs command line: parse arguments, then load only the module of the command asked for.
// A command's failure is said here, once, and mapped to its exit code (app/exit-codes.ts).
import { ControlError } from '../control/api.js';
import { checkFlagsFor, parseArgs, type ParsedArgs } from './args.js';
import { commandHelp, helpText } from './help.js';
import { printable } from '../base/printable.js';
import { EXIT, exitCodeOf } from '../app/exit-codes.js';
import { UsageError } from '../app/usage-error.js';

export { EXIT };
import { printQuick } from './print.js';
import { verboseVersion, version } from './version.js';

type CommandMain = (args: ParsedArgs) => Promise<number>;

const loaders: Record<string, () => Promise<CommandMain>> = {
  up: async () => (await import('./up.js')).up,
  run: async () => (await import('./run.js')).run,
  validate: async () => (await import('./validate.js')).validate,
  schema: async () => (await import('./schema.js')).schema,
  ps: async () => (await import('./ps.js')).ps,
  top: async () => (await import('./top.js')).top,
  logs: async () => (await import('./logs.js')).logs,
  attach: async () => (await import('./attach.js')).attach,
  start: async () => (await import('./start.js')).start,
  stop: async () => (await import('./stop.js')).stop,
  restart: async () => (await import('./restart.js')).restart,
  scale: async () => (await import('./scale.js')).scale,
  reload: async () => (await import('./reload.js')).reload,
  down: async () => (await import('./down.js')).down,
  export: async () => (await import('./export.js')).exportCommand,
  doctor: async () => (await import('./doctor.js')).doctorCommand,
  config: async () => (await import('./config.js')).config,
  init: async () => (await import('./init.js')).init,
  why: async () => (await import('./why.js')).why,
  graph: async () => (await import('./graph.js')).graph,
  dashboard: async () => (await import('./dashboard.js')).dashboard,
};

/** The hidden command line of the daemon `up -d` starts: `main.js __daemon up …`. */
const DAEMON_ARG = '__daemon';

/** Runs the command line `argv` (without node and the script); gives the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === DAEMON_ARG) return (await import('./daemon.js')).daemon(parseArgs(argv.slice(1)));
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
