// Which rules `up` turns on and which units a rule restarts: pools, scaling, `up UNIT…`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessUnit, Spec } from '../../src/config/spec.js';
import { processUnit, sh } from '../helpers/units.js';
import { activeRules, expandTargets } from '../../src/watch/index.js';
import { rule } from './support.js';

// A pool instance `pool.i`.
function instance(pool: string, i: number): ProcessUnit {
  return processUnit(`${pool}.${i}`, sh('true'), { kind: 'instance', pool, index: i });
}

const db = processUnit('db', sh('true'));
const api = processUnit('api', sh('true'), { dependsOn: [{ name: 'db', condition: 'healthy' }] });
const web = processUnit('web', sh('true'));
const units = [db, api, web, instance('worker', 0), instance('worker', 1)];

describe('watch targets', () => {
  it('turns pools into their instances, as they are now (after a scale)', () => {
    assert.deepEqual(expandTargets(units, ['worker', 'api'], units), ['api', 'worker.0', 'worker.1']);
    const scaled = [...units, instance('worker', 2)];
    assert.deepEqual(expandTargets(scaled, ['worker'], units), ['worker.0', 'worker.1', 'worker.2']);
  });

  it('restarts only what `up UNIT…` starts: the named units, what they need, and whole pools', () => {
    assert.deepEqual(expandTargets(units, ['db', 'web'], units, ['api']), ['db']);
    const scaled = [...units, instance('worker', 2)];
    assert.deepEqual(expandTargets(scaled, ['worker'], units, ['worker.0', 'worker.1']), ['worker.0', 'worker.1', 'worker.2']);
  });

  it('turns on rules without targets, and rules with a target that `up` starts', () => {
    const spec: Spec = {
      project: 'p',
      root: '/p',
      files: [],
      env: {},
      units,
      pools: [{ name: 'worker', replicas: 2 }],
      watch: [rule('/p', { name: 'css' }), rule('/p', { name: 'web-build', restart: ['web'] }), rule('/p', { name: 'db-build', restart: ['db'] })],
    };
    assert.deepEqual(
      activeRules(spec).map((r) => r.name),
      ['css', 'web-build', 'db-build'],
    );
    assert.deepEqual(
      activeRules(spec, ['api']).map((r) => r.name),
      ['css', 'db-build'],
    );
  });
});
