// `depends_on: { db: { condition, restart: true } }`: read, hashed, and written back by `procs config`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { toPlainSpec } from '../../src/config/to-plain-spec.js';
import { build, ENV, proc, specOf } from './helpers.js';

const spec = (deps: string): ReturnType<typeof specOf> =>
  specOf(build({ 'procs.yaml': `processes:\n  db: { command: db }\n  api: { command: api, depends_on: ${deps} }\n` }));

describe('depends_on with restart', () => {
  it('procs config writes the map form with restart, and it reads back the same', () => {
    const s = spec('{ db: { condition: healthy, restart: true } }');
    assert.deepEqual(proc(s, 'api').dependsOn, [{ name: 'db', condition: 'healthy', restart: true }]);
    const plain = toPlainSpec(s, { inherited: ENV, showValues: true }) as { processes: Record<string, { depends_on?: unknown }> };
    assert.deepEqual(plain.processes.api?.depends_on, { db: { condition: 'healthy', restart: true } });
    const again = specOf(build({ 'procs.yaml': stringify(plain) }));
    assert.deepEqual(proc(again, 'api').dependsOn, proc(s, 'api').dependsOn);
    assert.equal(proc(again, 'api').hash, proc(s, 'api').hash);
  });

  it('writes a dependency without restart as its condition alone', () => {
    const plain = toPlainSpec(spec('{ db: { condition: started, restart: false } }'), { inherited: ENV, showValues: true }) as {
      processes: Record<string, { depends_on?: unknown }>;
    };
    assert.deepEqual(plain.processes.api?.depends_on, { db: 'started' });
  });

  it('leaves the hash of a unit without restart: true as it was; restart: true changes it', () => {
    const hash = (deps: string): string => proc(spec(deps), 'api').hash;
    const before = hash('[db]');
    assert.equal(hash('{ db: started }'), before);
    assert.equal(hash('{ db: { condition: started } }'), before);
    assert.equal(hash('{ db: { restart: false } }'), before);
    assert.notEqual(hash('{ db: { restart: true } }'), before);
  });
});
