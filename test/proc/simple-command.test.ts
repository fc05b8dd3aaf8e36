// Which string commands skip the shell: plain words only, a program execve runs itself.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { directCommand, plainWords } from '../../src/proc/simple-command.js';

const dir = mkdtempSync(join(tmpdir(), 'procs-simple-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('plainWords', () => {
  const cases: [string, string[] | undefined][] = [
    ['node server.js --port 3000', ['node', 'server.js', '--port', '3000']],
    ['  sleep\t5  ', ['sleep', '5']],
    ['./bin/run a=b x,y @scope/pkg 50% +1', ['./bin/run', 'a=b', 'x,y', '@scope/pkg', '50%', '+1']],
    ['echo $HOME', undefined],
    ['echo ${HOME}', undefined],
    ['FOO=1 node x.js', undefined],
    ['node "a b".js', undefined],
    ["node 'x'", undefined],
    ['ls *.js', undefined],
    ['ls a?', undefined],
    ['ls [ab]', undefined],
    ['cd ~', undefined],
    ['a; b', undefined],
    ['a && b', undefined],
    ['a | b', undefined],
    ['a > out', undefined],
    ['a < in', undefined],
    ['(a)', undefined],
    ['{ a; }', undefined],
    ['a # comment', undefined],
    ['echo `date`', undefined],
    ['a\\ b', undefined],
    ['a\nb', undefined],
    ['!a', undefined],
    ['exec node x.js', undefined],
    ['cd /tmp', undefined],
    ['echo hi', undefined],
    ['kill 1', undefined],
    ['wait', undefined],
    ['', undefined],
  ];
  for (const [script, want] of cases) {
    it(`${JSON.stringify(script)} → ${want ? 'direct' : 'shell'}`, () => assert.deepEqual(plainWords(script, '/bin/sh'), want));
  }
  it('keeps the shell when `shell` is not a POSIX shell', () => {
    assert.equal(plainWords('node x.js', '/usr/bin/python3'), undefined);
    assert.deepEqual(plainWords('node x.js', '/bin/bash'), ['node', 'x.js']);
  });
});

describe('directCommand', () => {
  writeFileSync(join(dir, 'script.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(dir, 'script.sh'), 0o755);
  writeFileSync(join(dir, 'bare.sh'), 'echo hi\n');
  chmodSync(join(dir, 'bare.sh'), 0o755);
  writeFileSync(join(dir, 'plain.txt'), '#!/bin/sh\n');
  const env = { PATH: `/usr/bin:/bin:${dir}` };

  it('finds a program on PATH and keeps the word as argv[0]', () => {
    const d = directCommand('sleep 5', '/bin/sh', env, dir);
    assert.ok(d !== undefined && /\/sleep$/.test(d.file));
    assert.equal(d.argv0, 'sleep');
    assert.deepEqual(d.args, ['5']);
  });
  it('runs a script with #! by its relative path, from the cwd', () => {
    assert.deepEqual(directCommand('./script.sh a', '/bin/sh', env, dir), { file: join(dir, 'script.sh'), argv0: './script.sh', args: ['a'] });
  });
  it('leaves to the shell what execve would not run as the shell does', () => {
    assert.equal(directCommand('no-such-program-here', '/bin/sh', env, dir), undefined);
    assert.equal(directCommand('./bare.sh', '/bin/sh', env, dir), undefined);
    assert.equal(directCommand('./plain.txt', '/bin/sh', env, dir), undefined);
    assert.equal(directCommand(dir, '/bin/sh', env, dir), undefined);
  });
});
