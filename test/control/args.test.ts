// Names and sizes on the command line: `scale POOL=N`, unit and pool names, and the spec a scale
// arrives at (a Procfile entry turning into a pool included).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScaleArgs } from '../../src/cli/scale.js';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { ControlError } from '../../src/control/api.js';
import { scalable, scaledSpec } from '../../src/app/merge.js';
import { resolveUnits } from '../../src/app/names.js';
import { buildSpec } from './fakes.js';

describe('command-line names and sizes', () => {
  it('parses POOL=N and refuses anything else', () => {
    assert.deepEqual(parseScaleArgs(['web=2', 'worker=0', 'w=1024']), { web: 2, worker: 0, w: 1024 });
    for (const bad of ['web=-1', 'web=1.5', 'web=', 'web=1025', 'web', '=2', 'Web=2', 'web=2x']) {
      assert.throws(
        () => parseScaleArgs([bad]),
        (e: unknown) => e instanceof UsageError && e.message.includes(`got '${bad}'`),
        bad,
      );
    }
    assert.throws(() => parseScaleArgs([]), UsageError);
  });

  it('resolves units and pools, suggesting the closest name', () => {
    const units = [
      { name: 'api', kind: 'process', pool: null },
      { name: 'worker.0', kind: 'instance', pool: 'worker' },
      { name: 'worker.1', kind: 'instance', pool: 'worker' },
    ];
    assert.deepEqual(resolveUnits(['worker'], units), ['worker.0', 'worker.1']);
    assert.deepEqual(resolveUnits(['worker.1', 'api'], units), ['api', 'worker.1']);
    assert.deepEqual(resolveUnits([], units), ['api', 'worker.0', 'worker.1']);
    assert.deepEqual(resolveUnits(['empty'], units, ['empty']), [], 'a pool scaled to 0 is known');
    assert.throws(
      () => resolveUnits(['wroker'], units),
      (e: unknown) => e instanceof ControlError && e.message === "no unit named 'wroker'; did you mean 'worker'?",
    );
  });

  it("hints on the command line rank candidates as the spec's do: a swapped pair and case count", () => {
    const hint = (argv: string[]): string => {
      try {
        parseArgs(argv);
      } catch (e) {
        if (e instanceof UsageError) return e.message;
      }
      return '';
    };
    assert.equal(hint(['urn']), "unknown command 'urn'; did you mean 'run'? (see procs --help)");
    assert.equal(hint(['Donw']), "unknown command 'Donw'; did you mean 'down'? (see procs --help)");
    const units = [{ name: 'web', kind: 'process', pool: null }];
    assert.throws(
      () => resolveUnits(['WEB'], units),
      (e: unknown) => e instanceof ControlError && e.message === "no unit named 'WEB'; did you mean 'web'?",
    );
  });

  it('a scale takes only the scaled pool from the fresh load', () => {
    const text = { processes: { a: 'a1' }, pools: { w: { command: 'w', replicas: 1 } } };
    const current = buildSpec(text);
    const loaded = buildSpec({ processes: { a: 'a2', b: 'b1' }, pools: text.pools }, { w: 3 });
    const next = scaledSpec(current, loaded, ['w']);
    assert.deepEqual(
      next.units.map((u) => `${u.name}:${u.hash}`),
      ['a:a1', 'w.0:w#0', 'w.1:w#1', 'w.2:w#2'],
    );
    assert.deepEqual(next.pools, [{ name: 'w', replicas: 3 }]);
  });

  it('in a Procfile project, entries can be scaled too', () => {
    const spec = { ...buildSpec({ processes: { web: 'x', worker: 'y' }, pools: {} }), files: ['/p/Procfile'] };
    assert.deepEqual(scalable(spec), ['web', 'worker']);
    assert.deepEqual(scalable(buildSpec({ processes: { web: 'x' }, pools: { w: { command: 'w', replicas: 1 } } })), ['w']);
  });
});
