// The command line of `procs validate` alone, which main.ts loads for `procs validate …` (not
// with --version: see quickEntry there). The bundle makes it one file with everything validate
// needs (the spec's loader, yaml, the schema's validator) and no lazy import, without the shared
// chunks of the other commands: each file a command loads costs a resolve, a read and a link.
import { EXIT } from '../app/exit-codes.js';
import { runCommandLine } from './command-line.js';
import { validate } from './validate.js';

export { EXIT };

/** Runs `procs validate …` (`argv` without node and the script); gives the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  return runCommandLine(argv, {
    loaders: { validate: () => Promise.resolve(validate) },
    // main.ts sends every command line with --version to command.ts, which has the verbose text.
    verboseVersion: () => Promise.reject(new Error('procs validate --version --verbose is answered by the whole command line')),
  });
}
