// Pipelines and commands as one line of shell: run for real, so the quoting is proven by a shell.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { Command } from '../../src/config/spec.js';
import { argvOf, pipelineArgv, pipelineScript, shQuote } from '../../src/export/shell.js';

const sh = (script: string): Command => ({ kind: 'shell', shell: '/bin/sh', script });
const exec = (file: string, ...args: string[]): Command => ({ kind: 'exec', file, args });

/** Runs an argv and returns its status and output. */
function run(argv: readonly string[]): { status: number | null; stdout: string } {
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8', env: { HOME: '/h', PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  return { status: r.status, stdout: r.stdout };
}

describe('export shell lines', () => {
  it('quotes words only when they need it, and a shell reads them back whole', () => {
    assert.equal(shQuote('plain/path-1.js'), 'plain/path-1.js');
    assert.equal(shQuote(`it's`), `'it'\\''s'`);
    const words = [`it's`, '$HOME', 'a  b', '"q"', '*', '', 'x\ny'];
    const out = run(['/bin/sh', '-c', `printf '%s|' ${words.map(shQuote).join(' ')}`]);
    assert.equal(out.stdout, words.map((w) => `${w}|`).join(''));
  });

  it('joins exec-form and shell-form steps with pipes; a compound step is grouped, a comment stays inside it', () => {
    const argv = pipelineArgv([exec('printf', '%s\n', `it's`, '$HOME', 'a b'), sh('tr a-z A-Z'), sh('cat; echo done # the end')]);
    assert.deepEqual(argv.slice(0, 2), ['/bin/sh', '-c']);
    assert.equal(run(argv).stdout, `IT'S\n$HOME\nA B\ndone\n`);
  });

  it('turns pipefail on where the shell has it, and runs on where it has not', () => {
    const script = pipelineScript([sh('echo out; exit 3'), sh('cat')]);
    const dash = run(['/bin/sh', '-c', script]);
    assert.equal(dash.stdout, 'out\n');
    const bash = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    if (!bash.error) assert.equal(bash.status, 3);
  });

  it('gives the argv of a command: exec form as written, shell form through its shell', () => {
    assert.deepEqual(argvOf(exec('node', 'a.js')), ['node', 'a.js']);
    assert.deepEqual(argvOf({ kind: 'shell', shell: '/bin/bash', script: 'echo $$' }), ['/bin/bash', '-c', 'echo $$']);
  });
});
