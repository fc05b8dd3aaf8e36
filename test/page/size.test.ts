// The built page (dist/bin/dashboard, what `npm run build` makes of page/) is complete and loads
// in under 200 KB gzipped, with nothing from elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../helpers/cli.js';

const DIR = join(ROOT, 'dist/bin/dashboard');

test('the page is built: index.html, app.js, app.css and the four icons', () => {
  const files = readdirSync(DIR).sort();
  for (const name of ['index.html', 'app.js', 'app.css', 'icon-ok.svg', 'icon-starting.svg', 'icon-failed.svg', 'icon-disconnected.svg']) {
    assert.ok(files.includes(name), `${name} in ${files.join(', ')}`);
  }
});

test('every file of the page together is under 200 KB gzipped', () => {
  let total = 0;
  for (const name of readdirSync(DIR)) total += gzipSync(readFileSync(join(DIR, name))).length;
  assert.ok(total < 200 * 1024, `${total} bytes gzipped`);
});

test('index.html loads its script and style from /assets, with no inline script or style', () => {
  const html = readFileSync(join(DIR, 'index.html'), 'utf8');
  assert.match(html, /<script type="module" src="\/assets\/app\.js"><\/script>/);
  assert.match(html, /<link rel="stylesheet" href="\/assets\/app\.css" \/>/);
  assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]|<style|\sstyle=|\son[a-z]+=/i);
  assert.doesNotMatch(html + readFileSync(join(DIR, 'app.css'), 'utf8'), /https?:\/\/|@import|url\((?!data:)/);
});
