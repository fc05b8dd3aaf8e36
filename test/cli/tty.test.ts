// A unit on a terminal through `procs up -d`: its lines prefixed into .procs/logs and served by
// `procs logs`, restarted and brought down without leaving the program or its relay behind.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { taggedProcesses } from '../helpers/cli.js';
import { tempProject, type Proj } from '../control/helpers.js';
import { cmdline, waitFor } from '../helpers/processes.js';

const SPEC = `version: 1
processes:
  term:
    command: 'for fd in 0 1 2; do if [ -t $$fd ]; then echo "$$fd:tty"; else echo "$$fd:no"; fi; done; echo "run $$$$"; exec sleep 600'
    tty: true
    stop: { timeout: 2s }
`;

describe('a tty: true unit through procs up -d', () => {
  const projects: Proj[] = [];
  after(async () => {
    for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
  });

  it('logs its lines, serves them through procs logs, and leaves nothing after restart and down', async () => {
    const p = tempProject({ 'procs.yaml': SPEC });
    projects.push(p);
    const relays = (): number[] => taggedProcesses(p.tag).filter((pid) => cmdline(pid).includes('procs-tty'));
    const logText = (): string => {
      const dir = join(p.dir, '.procs/logs');
      try {
        return readdirSync(dir)
          .map((f) => readFileSync(join(dir, f), 'utf8'))
          .join('');
      } catch {
        return '';
      }
    };
    const runs = (): number => logText().match(/run \d+/g)?.length ?? 0;
    assert.equal((await p.run(['up', '-d'])).code, 0);
    await waitFor(() => runs() === 1, 'the first run in the log');
    assert.match(logText(), /0:tty\r?\n.*1:tty\r?\n.*2:tty/);
    const logs = await p.run(['logs', 'term']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /term\s+\| 0:tty/);
    assert.equal(relays().length, 1);
    const restart = await p.run(['restart', 'term']);
    assert.equal(restart.code, 0, restart.stderr);
    await waitFor(() => runs() === 2, 'the second run in the log');
    await waitFor(() => relays().length === 1, 'one relay, the new run’s');
    assert.equal((await p.run(['down'])).code, 0);
    await waitFor(() => taggedProcesses(p.tag).length === 0, 'nothing left after down', 10_000);
  });
});
