// The command line of `procs up`, `procs run` and the daemon `up -d` starts (`main.js __daemon
// up …`), which main.ts loads for those (not with --version, see quickEntry there). The bundle
// makes it one file with all that running a project needs, without the shared chunks of the other
// commands: `up` loaded some sixty files, each a resolve, a read and a link, in the time before
// the first unit starts, and `up -d` pays that twice (the command and its daemon). What these
// commands load lazily (a terminal's task list, attach, the dashboard) is in the file too, run
// only when used.
import { parseArgs } from './args.js';
import { EXIT } from '../app/exit-codes.js';
import { runCommandLine } from './command-line.js';
import { daemon } from './daemon.js';
import { run } from './run.js';
import { up } from './up.js';

export { EXIT };

/** The hidden command line of the daemon `up -d` starts (command.ts says the same). */
const DAEMON_ARG = '__daemon';

/** Runs `procs up …`, `procs run …` or the daemon's command line (`argv` without node and the script); gives the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === DAEMON_ARG) return daemon(parseArgs(argv.slice(1)));
  return runCommandLine(argv, {
    loaders: { up: () => Promise.resolve(up), run: () => Promise.resolve(run) },
    // main.ts sends every command line with --version to command.ts, which has the verbose text.
    verboseVersion: () => Promise.reject(new Error('procs up --version --verbose is answered by the whole command line')),
  });
}
