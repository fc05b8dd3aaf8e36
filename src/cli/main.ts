// The procs command line, loaded by entry.ts once the Node version is known to be supported.
// `procs --version` answers from here, before anything else loads (the bundle has the version
// built in); every other command turns V8's code cache on (the modules a command loads start
// faster from the second run) and then loads the command line and the command asked for
// (`procs validate …`: its own command line, validate-main.ts).
import { enableCompileCache } from 'node:module';

declare const __PROCS_VERSION__: string | undefined;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const v = typeof __PROCS_VERSION__ === 'string' ? __PROCS_VERSION__ : (await import('./version.js')).version();
  await printVersion(`${v}\n`);
} else {
  enableCompileCache();
  const { main, EXIT } = quickValidate(argv) ? await import('./validate-main.js') : await import('./command.js');
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`procs: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}

/**
 * Whether the command line is `procs validate …` without a version flag, which validate-main.ts
 * answers alone (one file of the bundle); `--version --verbose` needs the whole command line.
 * validate is often run on its own: by hand, in editors, in CI and in commit hooks.
 */
function quickValidate(args: readonly string[]): boolean {
  return args[0] === 'validate' && !args.some((a) => a === '-V' || a.startsWith('--version'));
}

/**
 * Writes the version line straight to fd 1, so that `--version` loads no module but this one;
 * when that does not write it whole (fd 1 would block, a reader went away, an error), print.ts's
 * printQuick writes the rest and says what went wrong, as for every other quick answer.
 */
async function printVersion(text: string): Promise<void> {
  let written = 0;
  try {
    written = process.getBuiltinModule('node:fs').writeSync(1, text);
  } catch {
    // printQuick tries again and tells the errors apart
  }
  if (written < Buffer.byteLength(text)) (await import('./print.js')).printQuick(text.slice(written));
}
