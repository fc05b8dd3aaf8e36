// What `procs init` writes: a spec procs reads, from a Procfile, from package.json scripts, or an example.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initSpec, quote } from '../../src/app/init-spec.js';
import type { Spec } from '../../src/config/spec.js';
import { build, proc, specOf } from '../config/helpers.js';

/** The spec a generated text stands for (failing with its diagnostics when it has errors). */
const read = (text: string): Spec => specOf(build({ 'procs.yaml': text }));
const script = (spec: Spec, name: string): string => {
  const c = proc(spec, name).command;
  return c.kind === 'shell' ? c.script : c.file;
};

describe('procs init: the spec text', () => {
  it('makes one process per Procfile line, with foreman’s PORT, commands reaching the shell as written', () => {
    const made = initSpec({ procfile: 'web: node web.js --port $PORT\n# a comment\nnot a line\nWorker: node w.js "${X}"\n' });
    assert.equal(made.source, 'procfile');
    assert.deepEqual(made.units, ['web', 'worker']);
    const spec = read(made.text);
    assert.equal(script(spec, 'web'), 'node web.js --port $PORT');
    assert.equal(script(spec, 'worker'), 'node w.js "${X}"');
    assert.equal(proc(spec, 'web').env.PORT, '5000');
    assert.equal(proc(spec, 'worker').env.PORT, '5100');
  });

  it('from package.json scripts: dev as the process; start waits for build when there is one', () => {
    const dev = initSpec({ scripts: { dev: 'vite', build: 'vite build', lint: 'eslint .' } });
    assert.deepEqual(dev.units, ['dev']);
    assert.equal(script(read(dev.text), 'dev'), 'npm run dev');
    assert.match(dev.text, /# Scripts of package\.json not used here: build, lint\./);
    const start = initSpec({ scripts: { start: 'node server.js', build: 'tsc' } });
    assert.deepEqual(start.units, ['build', 'start']);
    const spec = read(start.text);
    assert.equal(script(spec, 'build'), 'npm run build');
    assert.equal(proc(spec, 'build').restart.policy, 'never');
    assert.deepEqual(proc(spec, 'start').dependsOn, [{ name: 'build', condition: 'completed' }]);
  });

  it('takes the Procfile when both are there, unless told otherwise', () => {
    const both = { procfile: 'web: npm start\n', scripts: { dev: 'vite' } };
    assert.equal(initSpec(both).source, 'procfile');
    assert.match(initSpec(both).text, /Scripts of package\.json not used here: dev\./);
    assert.equal(initSpec({ ...both, from: 'package' }).source, 'package');
  });

  it('writes a commented example when there is nothing to start from', () => {
    for (const input of [{}, { scripts: { test: 'node --test' } }, { procfile: '# empty\n' }]) {
      const made = initSpec(input);
      assert.equal(made.source, undefined);
      assert.match(made.text, /^# /);
      assert.equal(read(made.text).units.length, 1);
    }
  });

  it('quotes what YAML would read otherwise', () => {
    assert.equal(quote('npm run dev'), 'npm run dev');
    for (const text of ['a: b', 'true', '5000', '#x', 'x # y', "it's", '-x', ' x', '{a}']) assert.equal(quote(text), JSON.stringify(text));
  });
});
