import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dependencyTargets } from '../../src/config/graph.js';
import { ENDED_STATES, NOT_ENDED_STATES, type UnitState } from '../../src/events/types.js';
import { evaluateDependencies, SKIPS_DEPENDENTS, type DepView } from '../../src/runtime/deps.js';
import { build, specOf } from '../config/helpers.js';

const spec = specOf(
  build({
    'procs.yaml': `
processes:
  db: { command: db }
  setup: { command: s }
  api: { command: api, depends_on: { db: healthy, setup: completed, worker: started } }
pools:
  worker: { command: w, replicas: 2 }
`,
  }),
);
const api = spec.units.find((u) => u.name === 'api');
const targets = dependencyTargets(spec.units);

const view = (state: UnitState, everStarted = false, everReady = false): DepView => ({ state, everStarted, everReady });
const up = view('ready', true, true);

test('a unit goes once every dependency holds: healthy, completed, and every instance of a pool started', () => {
  assert.ok(api);
  const views: Record<string, DepView> = { db: up, setup: view('completed', true, true), 'worker.0': up, 'worker.1': view('running', true) };
  assert.deepEqual(
    evaluateDependencies(api, targets, (n) => views[n]),
    { kind: 'go' },
  );
  views['worker.1'] = view('pending');
  assert.deepEqual(
    evaluateDependencies(api, targets, (n) => views[n]),
    { kind: 'wait' },
  );
});

test('a dependency that failed, was skipped, or stopped before it completed makes the unit skip, even behind one it waits on', () => {
  assert.ok(api);
  const views: Record<string, DepView> = { db: view('starting'), setup: view('stopped', true), 'worker.0': up, 'worker.1': up };
  assert.deepEqual(
    evaluateDependencies(api, targets, (n) => views[n]),
    { kind: 'skip', reason: 'dependency setup stopped before it completed' },
  );
  views.setup = view('running', true);
  views['worker.1'] = view('failed', true);
  assert.deepEqual(
    evaluateDependencies(api, targets, (n) => views[n]),
    { kind: 'skip', reason: 'dependency worker.1 failed' },
  );
});

test('while no unit can make its dependents skip, the first dependency that does not hold decides as a full look does', () => {
  assert.ok(api);
  // Every state: the ended ones, the others, and inactive.
  const states: UnitState[] = [...ENDED_STATES, ...NOT_ENDED_STATES, 'inactive'];
  const names = ['db', 'setup', 'worker.0', 'worker.1'];
  let compared = 0;
  // Every assignment of states to the four dependencies, each once with and once without a past start and readiness.
  const total = (states.length * 2) ** names.length;
  for (let i = 0; i < total; i++) {
    const views: Record<string, DepView> = {};
    let k = i;
    for (const n of names) {
      const s = states[k % states.length] ?? 'pending';
      k = Math.floor(k / states.length);
      const past = k % 2 === 1;
      k = Math.floor(k / 2);
      views[n] = view(s, past, past);
    }
    const full = evaluateDependencies(api, targets, (n) => views[n]);
    if (Object.values(views).some((v) => SKIPS_DEPENDENTS.has(v.state))) continue;
    assert.deepEqual(
      evaluateDependencies(api, targets, (n) => views[n], true),
      full,
      JSON.stringify(views),
    );
    compared++;
  }
  assert.ok(compared > 10_000, `${compared} assignments compared`);
});

test('a dependency procs knows nothing of is waited for', () => {
  assert.ok(api);
  assert.deepEqual(
    evaluateDependencies(api, targets, () => undefined),
    { kind: 'wait' },
  );
  assert.deepEqual(
    evaluateDependencies(api, targets, () => undefined, true),
    { kind: 'wait' },
  );
});
