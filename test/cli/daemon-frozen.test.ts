// A daemon that cannot answer: frozen (SIGSTOP), the commands give up after
// PROCS_CLIENT_TIMEOUT with a message naming it instead of hanging.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NODE, psJson, tempProject, type Proj } from '../control/helpers.js';

const HANG = "console.log('up'); setInterval(() => {}, 1 << 30);\n";
const SPEC = `version: 1\nprocesses:\n  web:\n    command: [${NODE}, hang.js]\n`;
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

describe('a frozen daemon', () => {
  it('makes ps, up -d, stop and logs -f give up after the client timeout, naming the daemon', async () => {
    const p = tempProject({ 'procs.yaml': SPEC, 'hang.js': HANG });
    projects.push(p);
    assert.equal((await p.run(['up', '-d'])).code, 0);
    const pid = Number(readFileSync(join(p.dir, '.procs/procs.pid'), 'utf8'));
    process.kill(pid, 'SIGSTOP');
    try {
      for (const cmd of [['ps'], ['up', '-d'], ['stop', 'web'], ['logs', '-f'], ['down']]) {
        const started = Date.now();
        const r = await p.run(cmd, { PROCS_CLIENT_TIMEOUT: '300ms' });
        assert.equal(r.code, 1, `${cmd.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, new RegExp(`the procs daemon \\(pid ${pid}\\) did not answer within 300ms`), cmd.join(' '));
        assert.ok(Date.now() - started < 20_000, `${cmd.join(' ')} took ${Date.now() - started}ms`);
      }
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    assert.equal((await psJson(p)).units[0]?.state, 'running', 'the daemon goes on once it runs again');
    assert.equal((await p.run(['down'])).code, 0);
  });
});
