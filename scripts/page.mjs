// Builds the dashboard's page (page/) into dist/bin/dashboard/: app.js (page/main.tsx and Preact,
// bundled and minified), app.css, index.html and the icons. Every asset is the package's own: the
// page loads nothing from elsewhere (its Content-Security-Policy allows only 'self').
//
//   node scripts/page.mjs          (run by scripts/bundle.mjs after it empties dist/bin)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PAGE_OUT = 'dist/bin/dashboard';

export async function buildPage(outdir = PAGE_OUT) {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { app: 'page/main.tsx' },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await build({
    entryPoints: { app: 'page/app.css' },
    outdir,
    bundle: true,
    minify: true,
    logLevel: 'warning',
  });
  copyFileSync('page/index.html', `${outdir}/index.html`);
  for (const icon of readdirSync('page/icons')) copyFileSync(`page/icons/${icon}`, `${outdir}/${icon}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildPage();
