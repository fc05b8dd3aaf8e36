// `npm run build`: the compiled tree (tsc → dist/src, dist/test, dist/bench), the bundle
// (dist/bin) and the spawner, each step run only when one of its inputs is newer than what it
// built last (a stamp file per step in dist/), so `npm start` and `npm test` start at once when
// nothing changed. `--force` runs every step.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const force = process.argv.includes('--force');
const node = process.execPath;

/** The newest modification time (ms) of the files under the given paths; 0 if none. */
function newest(paths) {
  let latest = 0;
  const visit = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else latest = Math.max(latest, st.mtimeMs);
  };
  for (const path of paths) visit(path);
  return latest;
}

const stampOf = (step) => `dist/.built-${step}`;

/** Whether `step` must run: forced, never built, or an input newer than its last build. */
function stale(step, inputs) {
  if (force) return true;
  let built;
  try {
    built = statSync(stampOf(step)).mtimeMs;
  } catch {
    return true;
  }
  return newest(inputs) > built;
}

/** Runs a step's command; stamps the step when it succeeds, exits with its status when not. */
function run(step, args) {
  const started = Date.now();
  const result = spawnSync(args[0], args.slice(1), { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  mkdirSync('dist', { recursive: true });
  // The stamp's time is when the step started: a file saved while it ran is newer, and rebuilt.
  writeFileSync(stampOf(step), '');
  utimesSync(stampOf(step), new Date(started), new Date(started));
}

// package.json: the bundle carries its version; package-lock.json: new versions of dependencies.
const shared = ['package.json', 'package-lock.json'];
// The main tsconfig compiles the page's pure logic (page/lib, for test/page); the page's own
// tsconfig type-checks the whole page (DOM, TSX) without emitting: esbuild bundles it.
const tsc = stale('tsc', ['src', 'test', 'bench', 'page', 'tsconfig.json', 'package-lock.json']);
if (tsc) {
  run('tsc', [node, 'node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
  run('tsc', [node, 'node_modules/typescript/bin/tsc', '-p', 'page/tsconfig.json']);
}
// The bundle empties dist/bin, the spawner's folder too: a new bundle needs a new spawner. The
// page is built into dist/bin/dashboard after that, so a change of page/ rebuilds the bundle.
const bundle = tsc || stale('bundle', ['dist/src', 'page', 'scripts/bundle.mjs', 'scripts/bundle-imports.mjs', 'scripts/page.mjs', ...shared]);
if (bundle) run('bundle', [node, 'scripts/bundle.mjs']);
if (bundle || stale('native', ['native', 'scripts/native.mjs'])) run('native', [node, 'scripts/native.mjs']);
if (!tsc && !bundle) console.log('procs build: up to date');
