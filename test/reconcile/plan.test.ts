// plan(spec, observed) → actions, table-driven: add, remove, change, rename, scale, no-op; and
// planRules for watch rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessUnit, WatchRule } from '../../src/config/spec.js';
import type { UnitState } from '../../src/events/types.js';
import { describeActions, plan, planRules, type ObservedUnit } from '../../src/reconcile/plan.js';

function unit(name: string, hash = name): ProcessUnit {
  return {
    name,
    kind: name.includes('.') ? 'instance' : 'process',
    cwd: '/',
    env: {},
    dependsOn: [],
    restart: { policy: 'on-failure', maxRestarts: 5, backoff: { initialMs: 250, factor: 2, maxMs: 30_000 }, resetAfterMs: 30_000, successCodes: [0] },
    stop: { signal: 'SIGTERM', timeoutMs: 10_000 },
    health: {},
    log: { maxSizeBytes: 1, keep: 1 },
    hash,
    command: { kind: 'exec', file: 'true', args: [] },
  };
}

const seen = (name: string, hash = name, state: UnitState = 'running'): ObservedUnit => ({ name, hash, state });

const cases: { name: string; desired: ProcessUnit[]; observed: ObservedUnit[]; actions: string[] }[] = [
  { name: 'nothing changed', desired: [unit('a'), unit('b')], observed: [seen('a'), seen('b')], actions: [] },
  { name: 'a unit added', desired: [unit('a'), unit('b')], observed: [seen('a')], actions: ['start b'] },
  { name: 'a unit removed', desired: [unit('a')], observed: [seen('a'), seen('b')], actions: ['remove b'] },
  { name: 'a running unit changed', desired: [unit('a', 'v2')], observed: [seen('a', 'v1')], actions: ['restart a'] },
  { name: 'a stopped unit changed', desired: [unit('a', 'v2')], observed: [seen('a', 'v1', 'stopped')], actions: ['update a'] },
  { name: 'a unit in backoff changed', desired: [unit('a', 'v2')], observed: [seen('a', 'v1', 'backoff')], actions: ['restart a'] },
  { name: 'a completed step changed', desired: [unit('m', 'v2')], observed: [seen('m', 'v1', 'completed')], actions: ['update m'] },
  { name: 'a unit renamed', desired: [unit('web', 'same')], observed: [seen('api', 'same')], actions: ['remove api', 'start web'] },
  {
    name: 'a pool scaled up',
    desired: [unit('w.0'), unit('w.1'), unit('w.2'), unit('w.3')],
    observed: [seen('w.0'), seen('w.1')],
    actions: ['start w.2', 'start w.3'],
  },
  {
    name: 'a pool scaled down: highest index first',
    desired: [unit('w.0')],
    observed: [seen('w.0'), seen('w.1'), seen('w.2'), seen('w.10')],
    actions: ['remove w.10', 'remove w.2', 'remove w.1'],
  },
  {
    name: 'everything at once, removals before restarts before starts',
    desired: [unit('a', 'v2'), unit('c'), unit('d')],
    observed: [seen('a', 'v1'), seen('b'), seen('c')],
    actions: ['remove b', 'restart a', 'start d'],
  },
  { name: 'an empty spec', desired: [], observed: [seen('a'), seen('b')], actions: ['remove a', 'remove b'] },
];

describe('plan', () => {
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(describeActions(plan(c.desired, c.observed)), c.actions));
  }
});

describe('planRules', () => {
  const rule = (name: string, paths = ['src/**'], over: Partial<WatchRule> = {}): WatchRule => ({
    name,
    paths,
    ignore: [],
    debounceMs: 150,
    restart: [],
    rolling: false,
    initial: false,
    poll: false,
    cwd: '/p',
    env: {},
    ...over,
  });
  const cases: { name: string; desired: WatchRule[]; observed: WatchRule[]; actions: string[] }[] = [
    { name: 'nothing changed', desired: [rule('a'), rule('b')], observed: [rule('a'), rule('b')], actions: [] },
    {
      name: 'where a rule is written does not count',
      desired: [rule('a', ['src/**'], { source: { file: 'x', line: 9, col: 1 } })],
      observed: [rule('a')],
      actions: [],
    },
    { name: 'a rule added', desired: [rule('a'), rule('b')], observed: [rule('a')], actions: ['start b'] },
    { name: 'a rule removed (or turned off)', desired: [rule('a')], observed: [rule('a'), rule('b')], actions: ['remove b'] },
    { name: 'paths changed', desired: [rule('a', ['lib/**'])], observed: [rule('a')], actions: ['restart a'] },
    { name: 'targets changed', desired: [rule('a', ['src/**'], { restart: ['api'] })], observed: [rule('a')], actions: ['restart a'] },
    {
      name: 'removals before restarts before starts',
      desired: [rule('c'), rule('a', ['lib/**']), rule('d')],
      observed: [rule('a'), rule('b'), rule('c')],
      actions: ['remove b', 'restart a', 'start d'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(describeActions(planRules(c.desired, c.observed)), c.actions));
  }
});
