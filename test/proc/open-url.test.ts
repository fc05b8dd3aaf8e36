// Which command opens a URL: the first of $BROWSER's found, else xdg-open, else none.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { browserCommand, openUrl } from '../../src/proc/open-url.js';

const dir = mkdtempSync(join(tmpdir(), 'procs-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const exe = (name: string): string => {
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
};

describe('browserCommand', () => {
  it('takes the first command of $BROWSER found on PATH, by name or path', () => {
    const firefox = exe('firefox');
    assert.equal(browserCommand({ BROWSER: 'nonesuch:firefox', PATH: dir }), firefox);
    assert.equal(browserCommand({ BROWSER: firefox, PATH: '' }), firefox);
  });

  it('falls back to xdg-open, and to nothing', () => {
    const xdg = exe('xdg-open');
    assert.equal(browserCommand({ PATH: dir }), xdg);
    rmSync(xdg);
    assert.equal(browserCommand({ BROWSER: 'nonesuch', PATH: dir }), undefined);
    assert.equal(openUrl('http://127.0.0.1:1/', { PATH: join(dir, 'empty') }), false);
  });
});
