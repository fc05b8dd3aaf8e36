// Where procs' own files are. procs runs from one of two layouts, both two folders below the
// package root: the bundle (`dist/bin/procs.js`, what the `procs` command runs) and the compiled
// tree (`dist/src/…`, which the unit tests import). The bundler defines __PROCS_BUNDLE__.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

declare const __PROCS_BUNDLE__: boolean | undefined;

/** Whether this code runs from the bundle. */
const BUNDLED = typeof __PROCS_BUNDLE__ !== 'undefined' && __PROCS_BUNDLE__;

/** The package root: the folder holding package.json and schema/. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A file of the package, by its path from the package root. */
export const packageFile = (path: string): string => join(PACKAGE_ROOT, path);

/** The script that runs the procs command line (the daemon is started as `node SCRIPT __daemon …`). */
export const MAIN_SCRIPT = packageFile(BUNDLED ? 'dist/bin/procs.js' : 'dist/src/cli/main.js');

/** The script of the pipeline runner. */
export const PIPELINE_RUNNER_SCRIPT = packageFile(BUNDLED ? 'dist/bin/pipeline-runner.js' : 'dist/src/proc/pipeline-runner.js');

/** The preload `procs/listen` (src/preload/listen.cts), for NODE_OPTIONS' `--require`. */
export const LISTEN_PRELOAD = packageFile(BUNDLED ? 'dist/bin/listen.cjs' : 'dist/src/preload/listen.cjs');

/** The terminal helper, compiled from native/procs-tty.c at build or install (when there is a C compiler). */
export const TTY_HELPER_BINARY = packageFile('dist/bin/procs-tty');

/** The same helper in python3, for where it was not compiled. */
export const TTY_HELPER_SCRIPT = packageFile('native/procs-tty.py');

/** The notify socket's helper, compiled from native/procs-notify.c at build or install. */
export const NOTIFY_HELPER_BINARY = packageFile('dist/bin/procs-notify');

/** The same helper in python3, for where it was not compiled. */
export const NOTIFY_HELPER_SCRIPT = packageFile('native/procs-notify.py');

/** The dashboard's page (index.html and its assets), built from page/ by scripts/page.mjs. */
export const DASHBOARD_ASSETS = packageFile('dist/bin/dashboard');
