// `listen: { adopt: node }`: an unmodified Node server (fixtures/bin/plain-server.js) takes the
// socket procs holds, so that requests sent all through restarts are all answered.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, MAIN, assertClean, freePort, procs, specProject } from '../helpers/cli.js';
import { waitFor, within } from '../helpers/processes.js';

const noSpawner = process.env.PROCS_SPAWNER === 'node' ? 'PROCS_SPAWNER=node: only the spawner holds sockets' : false;

/** Runs a command without blocking the event loop: its exit code and output. */
function run(file: string, args: string[], opts: { cwd: string }): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, opts, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** GET / on a fresh connection: the body, or the error's code. */
function get(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
  });
}

/** Four clients, each sending its next request as soon as the last is answered, until stopped. */
function load(port: number): { answers: string[]; answered: (more: number, what: string) => Promise<void>; stop: () => Promise<void> } {
  const answers: string[] = [];
  let going = true;
  const clients = Array.from({ length: 4 }, async () => {
    while (going) answers.push(await get(port));
  });
  return {
    answers,
    // Resolves once `more` requests beyond those answered now have been answered.
    answered(more, what) {
      const target = answers.length + more;
      return within(
        new Promise<void>((resolve) => {
          const check = (): void => (answers.length > target ? resolve() : void setTimeout(check, 10));
          check();
        }),
        30_000,
        what,
      );
    },
    async stop() {
      going = false;
      await Promise.all(clients);
    },
  };
}

describe('listen: { adopt: node }', { skip: noSpawner }, () => {
  it('answers every request sent through five restarts of an unmodified server', async () => {
    const port = await freePort();
    const dir = specProject(
      `processes:\n  api:\n    command: ["node", "${join(BIN, 'plain-server.js')}"]\n    listen: { address: "127.0.0.1:${port}", adopt: node }\n` +
        `    health:\n      readiness: { log: listening }\n`,
    );
    const up = procs(['up'], { cwd: dir });
    await up.waitFor(/api +\| listening/);
    await waitFor(() => existsSync(join(dir, '.procs/procs.sock')), 'the control socket');
    const { answers, answered, stop } = load(port);
    try {
      for (let i = 0; i < 5; i++) {
        // Not spawnSync: the clients must go on while procs restarts the unit.
        const r = await run(process.execPath, [MAIN, 'restart', 'api'], { cwd: dir });
        assert.equal(r.code, 0, r.output);
        // Some requests reach each new run before the next restart.
        await answered(8, 'requests after the restart');
      }
    } finally {
      await stop();
    }
    const failed = answers.filter((a) => !/^pid \d+$/.test(a));
    assert.deepEqual(failed, [], `${failed.length} of ${answers.length} requests failed`);
    assert.ok(new Set(answers).size >= 6, `answered by every run: ${[...new Set(answers)].join(', ')}`);
    up.child.kill('SIGTERM');
    await within(up.exited, 30_000, 'procs up to stop');
    await assertClean(up);
  });

  it('answers every request through rolling restarts of a pool that shares the socket', async () => {
    const port = await freePort();
    const dir = specProject(
      `pools:\n  web:\n    command: ["node", "${join(BIN, 'plain-server.js')}"]\n    replicas: 2\n` +
        `    listen: { address: "127.0.0.1:${port}", adopt: node }\n    health:\n      readiness: { log: listening }\n` +
        `watch:\n  code:\n    paths: [trigger.txt]\n    restart: [web]\n    rolling: true\n`,
      { 'trigger.txt': '0' },
    );
    const up = procs(['up'], { cwd: dir });
    await up.waitForCount(/web\.\d +\| listening/, 2);
    const { answers, answered, stop } = load(port);
    try {
      for (let i = 1; i <= 3; i++) {
        writeFileSync(join(dir, 'trigger.txt'), String(i));
        // Both instances restarted, one after the other.
        await up.waitForCount(/web\.\d +\| listening/, 2 + 2 * i);
      }
      await answered(8, 'requests after the last restart');
    } finally {
      await stop();
    }
    const failed = answers.filter((a) => !/^pid \d+$/.test(a));
    assert.deepEqual(failed, [], `${failed.length} of ${answers.length} requests failed`);
    up.child.kill('SIGTERM');
    await within(up.exited, 30_000, 'procs up to stop');
    await assertClean(up);
  });
});
