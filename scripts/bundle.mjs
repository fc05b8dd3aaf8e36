// Bundles the compiled CLI (dist/src, from tsc) into dist/bin: `main.js`, the command line the
// package's `bin` (`procs.js`, the Node version check) loads, and `pipeline-runner.js`, the
// script procs starts for each pipeline. One file per command instead of a hundred modules (yaml alone is 72) makes the CLI start
// faster; the commands stay in chunks of their own, loaded only when asked for, after the
// compile cache is on. Lazily required CommonJS packages (dotenv, fastest-levenshtein) and the
// heavy ones loaded on demand (chokidar, listr2, cosmiconfig) stay in node_modules.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { withoutBuiltinImports } from './bundle-imports.mjs';
import { buildPage } from './page.mjs';

const outdir = 'dist/bin';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
rmSync(outdir, { recursive: true, force: true });
/** What every build of the bundle shares. */
const common = {
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: ['chokidar', 'listr2', 'cosmiconfig'],
  // yaml's ES module build: the same code as its CommonJS one, but tree-shaken (procs never
  // stringifies) and without a module wrapper per file.
  // punycode: the npm package, bundled, rather than Node's deprecated builtin of the same name
  // (ajv-formats, under the Kubernetes models of `export --check`, requires it).
  alias: { yaml: './node_modules/yaml/browser/index.js', punycode: 'punycode/' },
  define: { __PROCS_BUNDLE__: 'true', __PROCS_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
};

/** The quick entries: files main.js loads by path, each built whole on its own (below). */
const QUICK = ['validate-main', 'up-main'];

/** Leaves main.js's import of a quick entry as it is: the file sits next to main.js. */
const quickEntriesOutside = {
  name: 'quick-entries-outside',
  setup(b) {
    const filter = new RegExp(`^\\./(${QUICK.join('|')})\\.js$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, external: true }));
  },
};

await build({
  ...common,
  entryPoints: { main: 'dist/src/cli/main.js', 'pipeline-runner': 'dist/src/proc/pipeline-runner.js' },
  splitting: true,
  chunkNames: '[name]-[hash]',
  plugins: [quickEntriesOutside],
});

// A quick entry (`procs validate`; `procs up`, `run` and the daemon) is one file with all it
// needs, not the twenty to sixty shared chunks splitting cuts its modules into: each file loaded
// costs a resolve, a read and a link.
// It shares no module with the rest (no chunk, no instance), so a process loads either it or
// command.js's chunks, never both; what it imports lazily is in the file too.
for (const name of QUICK) await build({ ...common, entryPoints: { [name]: `dist/src/cli/${name}.js` }, splitting: false });

// Node's builtins stay imports in what esbuild writes; each file then takes them from
// process.getBuiltinModule and gets a `require` only if it calls one (bundle-imports.mjs).
for (const file of readdirSync(outdir)) {
  if (!file.endsWith('.js')) continue;
  const path = `${outdir}/${file}`;
  writeFileSync(path, withoutBuiltinImports(readFileSync(path, 'utf8'), file));
}

// `procs.js`, what `bin` runs, is the compiled entry.ts as it is: no imports (not even the
// banner's), so that on an unsupported Node it says so in one line before main.js is linked.
copyFileSync('dist/src/cli/entry.js', `${outdir}/procs.js`);
chmodSync(`${outdir}/procs.js`, 0o755);

// `listen.cjs`, the preload `procs/listen` (src/preload/listen.cts): CommonJS, so that both
// `--require` and `--import` load it; it imports only Node's builtins, so it is copied as it is.
copyFileSync('dist/src/preload/listen.cjs', `${outdir}/listen.cjs`);

// The dashboard's page, into dist/bin/dashboard (emptied with the rest above).
await buildPage();
