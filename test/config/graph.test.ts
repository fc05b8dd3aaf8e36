import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UnitSpec } from '../../src/config/spec.js';
import { closure, dependencyTargets, findCycles, resolveDependency, topoOrder } from '../../src/config/graph.js';

/** The spec's units are in start order (buildSpec orders them). */
const startOrder = (units: readonly UnitSpec[]): string[] => units.map((u) => u.name);
import { build, specOf } from './helpers.js';

const graph: Record<string, string[]> = { web: ['api'], api: ['db', 'cache'], db: [], cache: [], tool: [] };
const depsOf = (n: string): string[] => graph[n] ?? [];

test('topological order puts dependencies first and otherwise keeps declaration order', () => {
  assert.deepEqual(topoOrder(['web', 'api', 'db', 'cache', 'tool'], depsOf), ['db', 'cache', 'api', 'web', 'tool']);
});

test('unknown dependencies are ignored by the order', () => {
  assert.deepEqual(
    topoOrder(['a', 'b'], (n) => (n === 'a' ? ['ghost', 'b'] : [])),
    ['b', 'a'],
  );
});

test('cycles: one per strongly connected part, as a → … → a, shortest first', () => {
  const g: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['d'], e: ['a'] };
  assert.deepEqual(
    findCycles(Object.keys(g), (n) => g[n] ?? []),
    [
      ['a', 'b', 'c', 'a'],
      ['d', 'd'],
    ],
  );
  assert.deepEqual(findCycles(['web', 'api', 'db', 'cache'], depsOf), []);
});

test('nodes on a cycle still appear in the order, last', () => {
  assert.deepEqual(
    topoOrder(['x', 'y', 'z'], (n) => (n === 'x' ? ['y'] : n === 'y' ? ['x'] : [])),
    ['z', 'x', 'y'],
  );
});

const spec = specOf(
  build({
    'procs.yaml': `
processes:
  db: { command: db }
  api: { command: api, depends_on: { db: healthy } }
  web: { command: web, depends_on: [api, worker] }
pools:
  worker: { command: w, replicas: 2, depends_on: [db] }
`,
  }),
);

test('the spec holds its units in start order, pools expanded into their instances', () => {
  assert.deepEqual(startOrder(spec.units), ['db', 'api', 'worker.0', 'worker.1', 'web']);
});

test('a selection with everything it needs, in start order', () => {
  const needed = (names: string[]): string[] => startOrder(spec.units).filter((n) => closure(names, spec.units).has(n));
  assert.deepEqual(needed(['web']), ['db', 'api', 'worker.0', 'worker.1', 'web']);
  assert.deepEqual(needed(['worker']), ['db', 'worker.0', 'worker.1']);
  assert.deepEqual(needed([]), startOrder(spec.units), 'none named means every unit');
});

test('the dependency index answers what a scan of the units does: a unit, every instance of a pool, nothing for a stranger', () => {
  const targets = dependencyTargets(spec.units);
  for (const name of ['db', 'api', 'web', 'worker', 'worker.0', 'worker.1', 'ghost']) {
    assert.deepEqual(
      targets(name).map((u) => u.name),
      resolveDependency(name, spec.units).map((u) => u.name),
      name,
    );
  }
  assert.deepEqual(
    targets('worker').map((u) => u.name),
    ['worker.0', 'worker.1'],
  );
  assert.deepEqual(targets('ghost'), []);
});
