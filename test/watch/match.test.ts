// A rule's globs as decisions on strings: roots to watch, files that count, what is left out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileMatcher, normalizeGlob } from '../../src/watch/match.js';

const CWD = '/p';

// A matcher for `paths` (and `ignore`) under /p.
function m(paths: string[], ignore: string[] = [], exclude?: string) {
  return compileMatcher({ cwd: CWD, paths, ignore, exclude });
}

describe('compileMatcher', () => {
  it('watches the static folder of each glob, none inside another', () => {
    assert.deepEqual(m(['services/api/src/**/*.ts', 'services/api/src/lib/*.js', 'package.json']).roots, ['services/api/src', 'package.json']);
    assert.deepEqual(m(['**/*.ts', 'src/*.ts']).roots, ['.']);
    assert.deepEqual(m(['./src/*.ts', '/p/lib/**']).roots, ['src', 'lib']);
  });

  it('accepts the files the globs name, and only those', () => {
    const x = m(['src/**/*.ts', 'config.json']);
    assert.equal(x.accepts('src/a.ts'), true);
    assert.equal(x.accepts('src/deep/er/b.ts'), true);
    assert.equal(x.accepts('/p/src/c.ts'), true, 'absolute paths are made relative');
    assert.equal(x.accepts('src/a.js'), false);
    assert.equal(x.accepts('lib/a.ts'), false);
    assert.equal(x.accepts('config.json'), true);
  });

  it('takes a plain folder as everything under it', () => {
    const x = m(['assets']);
    assert.deepEqual(x.roots, ['assets']);
    assert.equal(x.accepts('assets/img/logo.png'), true);
    assert.equal(x.accepts('assets2/x'), false);
  });

  it('always leaves out .git, node_modules, .procs and hidden folders', () => {
    const x = m(['**/*']);
    for (const p of ['.git/HEAD', 'node_modules/x/index.js', 'a/node_modules/y.js', '.procs/events.ndjson', '.cache/a', 'src/.hidden/a.ts']) {
      assert.equal(x.accepts(p), false, p);
    }
    assert.equal(x.excluded('node_modules', true), true);
    assert.equal(x.excluded('.idea', true), true);
    assert.equal(x.excluded('src', true), false);
  });

  it('allows a hidden folder that a glob names in its static part', () => {
    const x = m(['.config/app/*.json']);
    assert.equal(x.accepts('.config/app/a.json'), true);
    assert.equal(x.excluded('.config', true), false, 'an ancestor of a root is never left out');
    assert.equal(x.accepts('.config/app/.x/a.json'), false);
  });

  it('leaves out `ignore` globs, `!` globs in paths, and what is under an ignored folder', () => {
    const x = m(['src/**/*.ts', '!src/gen/**'], ['**/*.test.ts', 'src/vendor']);
    assert.equal(x.accepts('src/a.ts'), true);
    assert.equal(x.accepts('src/a.test.ts'), false);
    assert.equal(x.accepts('src/gen/x.ts'), false);
    assert.equal(x.accepts('src/vendor/lib/y.ts'), false);
    assert.equal(x.excluded('src/vendor', true), true);
  });

  it('never counts its own sync destination', () => {
    const x = m(['**/*'], [], '/p/build/mirror');
    assert.equal(x.accepts('build/mirror/a.txt'), false);
    assert.equal(x.accepts('build/other.txt'), true);
  });

  it('normalizes globs: ./ prefixes and absolute paths', () => {
    assert.equal(normalizeGlob('/p', './src/*.ts'), 'src/*.ts');
    assert.equal(normalizeGlob('/p', '/p/src'), 'src');
    assert.equal(normalizeGlob('/p', '/p'), '.');
  });
});
