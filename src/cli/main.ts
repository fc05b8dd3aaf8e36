// The procs command line, loaded by entry.ts once the Node version is known to be supported.
// `procs --version` answers from here, before anything else loads (the bundle has the version
// built in); every other command turns V8's code cache on, in a folder of the user's own (the
// modules a command loads start faster from the second run), and then loads the command line and
// the command asked for (`procs validate …`, `procs up …`, `procs run …` and the daemon: a quick
// entry of their own).
import { enableCompileCache } from 'node:module';

declare const __PROCS_VERSION__: string | undefined;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const v = typeof __PROCS_VERSION__ === 'string' ? __PROCS_VERSION__ : (await import('./version.js')).version();
  await printVersion(`${v}\n`);
} else {
  const cacheDir = compileCacheDir();
  if (cacheDir !== undefined) enableCompileCache(cacheDir);
  const quick = quickEntry(argv);
  if (quick === 'up') optimiseLater();
  const { main, EXIT } =
    quick === 'validate' ? await import('./validate-main.js') : quick === 'up' ? await import('./up-main.js') : await import('./command.js');
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
 * Where Node keeps the code it compiled for procs (the compile cache): NODE_COMPILE_CACHE when set,
 * else `compile-cache` in the user's own folder (`$XDG_RUNTIME_DIR/procs/`, else
 * `/tmp/procs-<uid>/`, as rundir/paths.ts's privateDir), made 0700. Node's own default,
 * `$TMPDIR/node-compile-cache`, is a folder any user of the machine can make first and fill with
 * code procs would then run. A private folder that is not this user's, or open to others, turns
 * the cache off: procs starts a little slower, nothing else.
 */
function compileCacheDir(): string | undefined {
  const env = process.env;
  if (env.NODE_COMPILE_CACHE) return env.NODE_COMPILE_CACHE;
  const { lstatSync, mkdirSync } = process.getBuiltinModule('node:fs');
  const uid = process.getuid?.() ?? 0;
  const own = (dir: string, closed: boolean): boolean => {
    try {
      const st = lstatSync(dir);
      return st.isDirectory() && st.uid === uid && (!closed || (st.mode & 0o077) === 0);
    } catch {
      return false;
    }
  };
  const runtime = env.XDG_RUNTIME_DIR;
  const dir = runtime?.startsWith('/') && own(runtime, false) ? `${runtime}/procs` : `/tmp/procs-${uid}`;
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // there already (checked below), or cannot be made (no cache)
  }
  return own(dir, true) ? `${dir}/compile-cache` : undefined;
}

/**
 * The quick entry that answers the command line alone (one file of the bundle), if one does:
 * validate-main.ts for `procs validate …` (often run on its own: by hand, in editors, in CI and in
 * commit hooks), up-main.ts for `procs up …`, `procs run …` and the daemon (`__daemon …`), whose
 * start is on the way to every unit. Not with a version flag: `--version --verbose` needs the
 * whole command line.
 */
function quickEntry(args: readonly string[]): 'validate' | 'up' | undefined {
  if (args.some((a) => a === '-V' || a.startsWith('--version'))) return undefined;
  if (args[0] === 'validate') return 'validate';
  return args[0] === 'up' || args[0] === 'run' || args[0] === '__daemon' ? 'up' : undefined;
}

/**
 * For the processes that stay (`procs up`, `procs run`, the daemon): V8 optimises a function with
 * Maglev after about 400 calls and with TurboFan after about 3,000 (its default counts, ×10 here).
 * Starting units calls procs' code that often once, and procs then idled with TurboFan's code
 * paged in (5.5 MiB of node's text) and the compilers' memory left in the malloc arenas of their
 * threads (2 MiB): 7.5 MiB more RSS with 100 idle units. A flood of unit output puts the usual
 * counts back (app/memory.ts, optimiseOnHeavyOutput). Set before the command's code runs.
 */
function optimiseLater(): void {
  process.getBuiltinModule('node:v8').setFlagsFromString('--invocation-count-for-maglev=4000 --invocation-count-for-turbofan=30000');
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
