// The startup task list on a real terminal (a pseudo-terminal from `script`): one row per unit,
// then the prefixed output stream with nothing lost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { MAIN, project, removeProject, taggedProcesses } from '../helpers/cli.js';
import { randomUUID } from 'node:crypto';

const dirs: string[] = [];
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
after(() => dirs.forEach(removeProject));

/** Runs `procs up` under a pseudo-terminal until it exits by itself; returns what the terminal got. */
function underTerminal(dir: string, tag: string): Promise<string> {
  const cmd = `stty cols 100 rows 40; ${JSON.stringify(process.execPath)} ${JSON.stringify(MAIN)} up`;
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
    cwd: dir,
    env: { ...process.env, PROCS_TEST_TAG: tag, COLUMNS: '100', LINES: '40' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  return new Promise((resolve) => child.on('close', () => resolve(out)));
}

describe('startup view', () => {
  it('shows a row per unit while they come up, then every output line', async () => {
    const dir = project({
      'procs.yaml': `version: 1
processes:
  db:
    # Alive well after its ready line: a line read only once db has exited no longer makes it
    # ready, and a loaded machine can hold output back for half a second while the view starts.
    command: "sleep 0.3; echo db listening; sleep 2"
    health: { readiness: { log: "listening" } }
    restart: never
  migrate:
    command: "echo migrated"
    depends_on: { db: healthy }
    restart: never
  broken:
    command: "echo oops; exit 3"
    restart: never
`,
    });
    dirs.push(dir);
    const tag = randomUUID();
    const screen = (await underTerminal(dir, tag)).replace(ANSI, '');
    assert.match(screen, /db {2}ready in \d/);
    assert.match(screen, /migrate {2}completed in \d/);
    assert.match(screen, /broken {2}failed/);
    assert.match(screen, /last lines:\s+oops/);
    for (const line of [/db\s+\| db listening/, /migrate\s+\| migrated/, /broken\s+\| oops/]) assert.match(screen, line);
    assert.deepEqual(taggedProcesses(tag), []);
  });
});
