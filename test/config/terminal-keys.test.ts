// The `tty`, `stdin` and `color` keys of processes, pools and pipelines: normalized into the unit,
// part of its hash (a reload restarts a unit whose key changed), shown by `procs config`, and a
// wrong value reported at its file, line and key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { toPlainSpec } from '../../src/config/to-plain-spec.js';
import { build, ENV, lines, specOf, unit } from './helpers.js';

const SPEC = `processes:
  repl:
    command: node
    tty: true
  feed:
    command: cat
    stdin: true
  plain:
    command: "true"
    color: false
  other:
    command: "true"
pools:
  shell:
    command: bash
    replicas: 2
    tty: true
pipelines:
  view:
    steps: ["cat log", "less"]
    tty: true
`;

describe('tty, stdin and color', () => {
  const spec = specOf(build({ 'procs.yaml': SPEC }));

  it('reach the units: a process, every instance of a pool, a pipeline', () => {
    const flags = (name: string) => {
      const u = unit(spec, name);
      return [u.tty, u.stdin, u.noColor];
    };
    assert.deepEqual(flags('repl'), [true, undefined, undefined]);
    assert.deepEqual(flags('feed'), [undefined, true, undefined]);
    assert.deepEqual(flags('plain'), [undefined, undefined, true]);
    assert.deepEqual(flags('other'), [undefined, undefined, undefined]);
    assert.deepEqual(flags('shell.0'), [true, undefined, undefined]);
    assert.deepEqual(flags('shell.1'), [true, undefined, undefined]);
    assert.deepEqual(flags('view'), [true, undefined, undefined]);
  });

  it('change the unit hash, so that a reload restarts a unit whose key changed', () => {
    const hash = (extra: string): string => unit(specOf(build({ 'procs.yaml': `processes:\n  a:\n    command: node\n${extra}` })), 'a').hash;
    const base = hash('');
    assert.equal(hash('    tty: false\n'), base, 'a default written out is no change');
    for (const key of ['    tty: true\n', '    stdin: true\n', '    color: false\n']) assert.notEqual(hash(key), base, key);
  });

  it('show in procs config, defaults included, and read back the same', () => {
    const plain = toPlainSpec(spec, { inherited: ENV, showValues: true }) as Record<string, Record<string, Record<string, unknown>>>;
    const keys = (section: string, name: string) => {
      const u = plain[section]?.[name];
      return [u?.tty, u?.stdin, u?.color];
    };
    assert.deepEqual(keys('processes', 'repl'), [true, false, true]);
    assert.deepEqual(keys('processes', 'feed'), [false, true, true]);
    assert.deepEqual(keys('processes', 'plain'), [false, false, false]);
    assert.deepEqual(keys('pools', 'shell'), [true, false, true]);
    assert.deepEqual(keys('pipelines', 'view'), [true, false, true]);
    const again = specOf(build({ 'procs.yaml': stringify(plain) }));
    assert.deepEqual(
      again.units.map((u) => [u.name, u.hash]),
      spec.units.map((u) => [u.name, u.hash]),
    );
  });

  it('refuse a value that is not a boolean, at its file, line and key', () => {
    const r = build({ 'procs.yaml': 'processes:\n  a:\n    command: node\n    tty: yes please\n    stdin: 1\n' });
    assert.equal(r.spec, undefined);
    const text = lines(r);
    assert.match(text, /procs\.yaml:4:\d+ .*processes\.a\.tty/);
    assert.match(text, /procs\.yaml:5:\d+ .*processes\.a\.stdin/);
  });
});
