// The dependency graph drawn in layers: each node right of what it depends on; watch rules'
// restart targets do not count; a pool's mixed state is coloured by its worst.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dependsOn, layers, stateClass } from '../../page/lib/layers.js';
import type { Graph } from '../../page/lib/types.js';

const graph: Graph = {
  project: 'p',
  nodes: [
    { name: 'web', kind: 'pool', replicas: 2 },
    { name: 'api', kind: 'process' },
    { name: 'db', kind: 'process' },
    { name: 'src', kind: 'watch' },
    { name: 'migrate', kind: 'process' },
  ],
  edges: [
    { from: 'web', to: 'api', condition: 'started' },
    { from: 'api', to: 'db', condition: 'healthy' },
    { from: 'api', to: 'migrate', condition: 'completed' },
    { from: 'migrate', to: 'db', condition: 'healthy' },
    { from: 'src', to: 'web', condition: 'restarts' },
  ],
};

test('layers: depth by the longest chain of dependencies', () => {
  assert.deepEqual(
    layers(graph).map((l) => l.map((n) => n.name)),
    [['db', 'src'], ['migrate'], ['api'], ['web']],
  );
  assert.deepEqual(dependsOn(graph, 'api'), ['db (healthy)', 'migrate (completed)']);
  assert.deepEqual(dependsOn(graph, 'src'), []);
});

test('state colours', () => {
  assert.equal(stateClass('ready'), 'st-ready');
  assert.equal(stateClass('1 ready, 1 failed'), 'st-failed');
  assert.equal(stateClass('2 ready, 1 starting'), 'st-starting');
  assert.equal(stateClass(undefined), 'st-unknown');
});
