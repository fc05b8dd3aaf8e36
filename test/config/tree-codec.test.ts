import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Diagnostics } from '../../src/config/diagnostics.js';
import { yamlSpecTree } from '../../src/config/spec-text.js';
import { decodeTree, encodeTree } from '../../src/config/tree-codec.js';
import type { LNode } from '../../src/config/tree.js';

const FILE = '/project/procs.yaml';

function parse(text: string, file = FILE): LNode {
  const diags = new Diagnostics();
  const tree = yamlSpecTree(file, text, diags);
  assert.equal(diags.count(), 0, JSON.stringify(diags.all()));
  assert.ok(tree);
  return tree;
}

// Through JSON text, as the cache keeps it.
const roundTrip = (tree: LNode, file = FILE): LNode | undefined => decodeTree(JSON.parse(JSON.stringify(encodeTree(tree, file))), file);

test('a tree comes back the same: maps in their order, lists, every kind of scalar, positions, aliases and merges', () => {
  const tree = parse(
    [
      'x-base: &base { restart: always, env: { A: "1" } }',
      'processes:',
      '  web:',
      '    <<: *base',
      '    command: node server.js --port 3000',
      '    ports: [3000, 3001]',
      '    enabled: true',
      '    weight: 1.5',
      '    nothing: ~',
      '    text: |',
      '      two',
      '      lines',
      '  api: { command: "quoted \\u00e9", depends_on: [web] }',
      '',
    ].join('\n'),
  );
  assert.deepEqual(roundTrip(tree), tree);
});

test('a tree that JSON cannot carry back the same is not encoded', () => {
  for (const value of ['.inf', '-.inf', '.nan', '-0.0']) {
    assert.equal(encodeTree(parse(`processes: { web: { command: x, weight: ${value} } }\n`), FILE), undefined, value);
  }
  assert.equal(encodeTree(parse('processes: {}\n'), '/elsewhere/procs.yaml'), undefined, 'a position in another file');
});

test('anything but an encoded tree decodes to nothing', () => {
  for (const data of [
    null,
    42,
    'm',
    [],
    ['x', [1, 1], []],
    ['m', [1], []],
    ['m', [1, 1], [['a', [1, 1]]]],
    [
      'm',
      [1, 1],
      [
        ['a', [1, 1], ['v', [1, 1], 1]],
        ['a', [2, 1], ['v', [2, 1], 2]],
      ],
    ],
    ['s', [1, 1], {}],
    ['v', [1, 1], { not: 'a scalar' }],
    ['v', [1, 1], 'x', [1]],
    ['v', [1.5, 1], 'x'],
  ]) {
    assert.equal(decodeTree(data, FILE), undefined, JSON.stringify(data));
  }
});
