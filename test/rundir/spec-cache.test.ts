import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { TreeCache } from '../../src/config/context.js';
import { buildSpec } from '../../src/config/core.js';
import { Diagnostics } from '../../src/config/diagnostics.js';
import { hash128 } from '../../src/config/hash.js';
import { yamlSpecTree } from '../../src/config/spec-text.js';
import type { LNode } from '../../src/config/tree.js';
import { specCache } from '../../src/rundir/spec-cache.js';
import { ENV, memoryReader } from '../config/helpers.js';

const FILE = '/project/procs.yaml';
const TEXT = 'processes:\n  web: { command: node server.js }\n  worker: { command: node worker.js, depends_on: [web] }\n';

function tree(text = TEXT, file = FILE): LNode {
  const t = yamlSpecTree(file, text, new Diagnostics());
  assert.ok(t);
  return t;
}

function withDir(run: (dir: string) => void): void {
  const base = mkdtempSync(path.join(os.tmpdir(), 'procs-spec-cache-'));
  try {
    run(path.join(base, 'spec-cache'));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

test('a tree kept for a file comes back only for the same path and the same text', () => {
  withDir((dir) => {
    const cache = specCache(dir);
    assert.equal(cache.get(FILE, TEXT), undefined, 'nothing kept yet');
    cache.put(FILE, TEXT, tree());
    assert.deepEqual(cache.get(FILE, TEXT), tree());
    assert.equal(cache.get(FILE, `${TEXT}# a comment\n`), undefined, 'another text');
    assert.equal(cache.get('/other/procs.yaml', TEXT), undefined, 'another file');
    assert.equal(statSync(dir).mode & 0o777, 0o700, 'the folder is private');
    const [entry] = readdirSync(dir);
    assert.ok(entry);
    assert.equal(statSync(path.join(dir, entry)).mode & 0o777, 0o600);
  });
});

test('a damaged entry is a miss, and the next parse replaces it', () => {
  withDir((dir) => {
    const cache = specCache(dir);
    cache.put(FILE, TEXT, tree());
    const [entry] = readdirSync(dir);
    assert.ok(entry);
    for (const junk of [
      '{',
      'null',
      '{"v":1,"file":"/project/procs.yaml","text":"x","tree":[]}',
      JSON.stringify({ v: 1, file: FILE, text: TEXT, tree: ['m', [1]] }),
    ]) {
      writeFileSync(path.join(dir, entry), junk);
      assert.equal(cache.get(FILE, TEXT), undefined, junk);
    }
    cache.put(FILE, TEXT, tree());
    assert.deepEqual(cache.get(FILE, TEXT), tree());
  });
});

test('past 64 entries the least recently written go', () => {
  withDir((dir) => {
    const cache = specCache(dir);
    for (let i = 0; i < 64; i++) {
      const file = `/p${i}/procs.yaml`;
      cache.put(file, TEXT, tree(TEXT, file));
      // Written a minute apart, oldest first: the order does not hang on the clock's resolution.
      const at = new Date(Date.now() - (64 - i) * 60_000);
      utimesSync(path.join(dir, `${hash128(file)}.json`), at, at);
    }
    assert.equal(readdirSync(dir).length, 64);
    cache.put('/new/procs.yaml', TEXT, tree(TEXT, '/new/procs.yaml'));
    assert.equal(readdirSync(dir).length, 64);
    assert.equal(cache.get('/p0/procs.yaml', TEXT), undefined, 'the oldest went');
    assert.ok(cache.get('/p1/procs.yaml', TEXT));
    assert.ok(cache.get('/new/procs.yaml', TEXT));
  });
});

test('the loader takes a kept tree for the same text, keeps one parsed without a problem, and never one with a problem', () => {
  const kept = new Map<string, LNode>();
  const calls = { get: 0, put: 0 };
  const trees: TreeCache = {
    get: (file, text) => (calls.get++, kept.get(`${file}\0${text}`)),
    put: (file, text, t) => (calls.put++, void kept.set(`${file}\0${text}`, t)),
  };
  const load = (text: string) => buildSpec({ files: [FILE], readFile: memoryReader({ [FILE]: text }), env: ENV, trees });
  const first = load(TEXT);
  assert.equal(calls.put, 1);
  const second = load(TEXT);
  assert.equal(calls.put, 1, 'taken, not parsed again');
  assert.deepEqual(second.spec, first.spec);
  assert.deepEqual(second.diagnostics, first.diagnostics);
  const warned = 'processes:\n  web: { command: a }\n  web: { command: b }\n';
  const bad = load(warned);
  assert.ok(bad.diagnostics.length > 0);
  assert.equal(calls.put, 1, 'a file whose parse had a problem is not kept');
  assert.deepEqual(load(warned).diagnostics, bad.diagnostics, 'and says it again');
});

test('nothing is read from or written to a folder open to others', () => {
  withDir((dir) => {
    const cache = specCache(dir);
    cache.put(FILE, TEXT, tree());
    assert.ok(cache.get(FILE, TEXT));
    chmodSync(path.dirname(dir), 0o755);
    assert.equal(cache.get(FILE, TEXT), undefined, 'its parent readable by others');
    chmodSync(path.dirname(dir), 0o700);
    chmodSync(dir, 0o777);
    assert.equal(cache.get(FILE, TEXT), undefined, 'open to others');
    cache.put('/else/procs.yaml', TEXT, tree(TEXT, '/else/procs.yaml'));
    assert.equal(readdirSync(dir).length, 1, 'nothing written there');
  });
});
