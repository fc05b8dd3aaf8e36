// What the client commands share: finding the project's socket from the command line, and
// turning a ControlError into its message on stderr and procs' exit code.
import type { ParsedArgs } from '../cli/args.js';
import { ControlError } from './api.js';
import type { ControlClient } from './client.js';
import { clientFor } from './locate.js';
import type { ProjectPaths } from './paths.js';

/** The `-f` files of a command line. */
export function specFiles(args: ParsedArgs): string[] {
  const v = args.flags.file;
  return typeof v === 'object' ? [...v] : [];
}

/** Runs `fn` against the running project; a ControlError becomes a message and an exit code. */
export async function withProject(args: ParsedArgs, fn: (client: ControlClient, paths: ProjectPaths) => Promise<number>): Promise<number> {
  try {
    const { client, paths } = clientFor(specFiles(args));
    return await fn(client, paths);
  } catch (err) {
    if (err instanceof ControlError) return reportError(args.command ?? '', err);
    throw err;
  }
}

/** Prints a ControlError (`procs CMD: message`, then its details indented) and returns its exit code. */
export function reportError(command: string, err: ControlError): number {
  const details = err.details.map((d) => `  ${d}\n`).join('');
  process.stderr.write(`procs ${command}: ${err.message}\n${details}`);
  return err.exitCode;
}
