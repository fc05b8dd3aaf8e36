// The procs command line with every command: each loaded only when asked for (command-line.ts
// parses the arguments and says failures), and the daemon's hidden command line.
import { parseArgs } from './args.js';
import { EXIT } from '../app/exit-codes.js';
import { runCommandLine, type CommandLoaders } from './command-line.js';
import { verboseVersion } from './verbose-version.js';

export { EXIT };

const loaders: CommandLoaders = {
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
  return runCommandLine(argv, { loaders, verboseVersion });
}
