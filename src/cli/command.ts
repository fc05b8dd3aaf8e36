// The procs command line: parse arguments, then load only the module of the command asked for.
import { checkFlagsFor, helpText, parseArgs, UsageError, type ParsedArgs } from './args.js';
import { printable } from '../base/printable.js';
import { EXIT } from './exit-codes.js';

export { EXIT };
import { printQuick } from './print.js';
import { version } from './version.js';


type CommandMain = (args: ParsedArgs) => Promise<number>;

const loaders: Record<string, () => Promise<CommandMain>> = {
  up: async () => (await import('./up.js')).up,
  run: async () => (await import('./run.js')).run,
  validate: async () => (await import('./validate.js')).validate,
  schema: async () => (await import('./schema.js')).schema,
  ps: async () => (await import('./ps.js')).ps,
  logs: async () => (await import('./logs.js')).logs,
  start: async () => (await import('./start.js')).start,
  stop: async () => (await import('./stop.js')).stop,
  restart: async () => (await import('./restart.js')).restart,
  scale: async () => (await import('./scale.js')).scale,
  reload: async () => (await import('./reload.js')).reload,
  down: async () => (await import('./down.js')).down,
  export: async () => (await import('./export.js')).exportCommand,
};

/** The hidden command line of the daemon `up -d` starts: `main.js __daemon up …`. */
const DAEMON_ARG = '__daemon';

/** Runs the command line `argv` (without node and the script); gives the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === DAEMON_ARG) return (await import('./daemon.js')).daemonMain(parseArgs(argv.slice(1)));
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
    checkFlagsFor(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`procs: ${printable(err.message)}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  if (args.flags.version) {
    printQuick(`${version()}\n`);
    return EXIT.ok;
  }
  if (args.flags.help || !args.command) {
    process.stdout.write(`${helpText(version())}\n`);
    return args.command || args.flags.help ? EXIT.ok : EXIT.usage;
  }
  const load = loaders[args.command];
  if (!load) {
    process.stderr.write(`procs ${printable(args.command)}: not available in this version yet\n`);
    return EXIT.usage;
  }
  const command = await load();
  try {
    return await command(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`procs ${args.command}: ${printable(err.message)}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
