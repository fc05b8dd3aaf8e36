// Ports that never collide: a unit whose port another process listens on fails at once, naming
// the holder, instead of crash-looping with EADDRINUSE; its dependents are skipped.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, MAIN, assertClean, freePort, procs, readEvents, specProject } from '../helpers/cli.js';
import { within } from '../helpers/processes.js';

/** A process outside any project listening on `port` (127.0.0.1), until `stop`. */
async function foreignListener(port: number): Promise<{ pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(BIN, 'http-server.js'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await within(
    new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('listening') && resolve())),
    10_000,
    'the foreign listener',
  );
  return {
    pid: child.pid ?? 0,
    stop: async () => {
      child.kill('SIGKILL');
      await closed;
    },
  };
}

describe('ports checked before a unit starts', () => {
  it('fails a unit whose PORT a foreign process holds, naming it, with no restart; dependents are skipped', async () => {
    const port = await freePort();
    const foreign = await foreignListener(port);
    try {
      const server = join(BIN, 'http-server.js');
      const dir = specProject(
        `version: 1\nprocesses:\n  web:\n    command: ["node", "${server}"]\n    env: { PORT: "${port}" }\n    restart: always\n` +
          `  client:\n    command: ["node", "-e", "setInterval(() => {}, 1000)"]\n    depends_on: [web]\n`,
      );
      const up = procs(['up'], { cwd: dir });
      const code = await within(up.exited, 30_000, 'procs up to give up');
      assert.notEqual(code, 0);
      const reason = `port ${port} is in use by pid ${foreign.pid} (node ${server} ${port}), outside this project`;
      assert.ok(up.text().includes(reason), up.text());
      const events = readEvents(dir);
      const web = events.filter((e) => e.unit === 'web');
      assert.deepEqual(
        web.filter((e) => e.type === 'spawn' || e.type === 'restart' || e.type === 'backoff'),
        [],
        'web was never spawned nor restarted',
      );
      assert.ok(
        web.some((e) => e.state === 'failed' && JSON.stringify(e).includes(`port ${port} is in use by pid ${foreign.pid}`)),
        JSON.stringify(web),
      );
      assert.ok(
        events.some((e) => e.unit === 'client' && e.state === 'skipped'),
        JSON.stringify(events),
      );
      await assertClean(up);
    } finally {
      await foreign.stop();
    }
  });
});

describe('a port another unit of the project holds', () => {
  it('fails the second unit naming the first; a probe may watch the other unit', async () => {
    const port = await freePort();
    const server = join(BIN, 'http-server.js');
    const dir = specProject(
      `version: 1\nprocesses:\n  first:\n    command: ["node", "${server}"]\n    env: { PORT: "${port}" }\n` +
        `    health:\n      readiness: { tcp: "127.0.0.1:${port}", interval: 100ms }\n` +
        `  watcher:\n    command: ["node", "-e", "setInterval(() => {}, 1000)"]\n    depends_on: { first: healthy }\n` +
        `    health:\n      readiness: { tcp: "127.0.0.1:${port}", interval: 100ms }\n` +
        `  second:\n    command: ["node", "${server}"]\n    env: { PORT: "${port}" }\n    depends_on: { watcher: healthy }\n`,
    );
    const up = procs(['up'], { cwd: dir });
    try {
      await up.waitFor(/second.*failed/);
      assert.match(up.text(), new RegExp(`second .*failed: port ${port} is in use by pid \\d+ \\(node ${server}\\), unit first of this project`));
      // second starts only once watcher is healthy: watcher, whose probe is on the port first
      // holds, was not failed for it.
      assert.doesNotMatch(up.text(), /watcher .*failed/);
    } finally {
      up.child.kill('SIGTERM');
      await assertClean(up);
    }
  });
});

describe('port: auto', () => {
  it('gives a free port as PORT, the same after a restart, and ${ports.api} to a probe and another unit', async () => {
    const dir = specProject(
      `version: 1\nprocesses:\n  api:\n    command: ["node", "${join(BIN, 'http-server.js')}"]\n    port: auto\n` +
        `    health:\n      readiness: { http: "http://127.0.0.1:\${ports.api}/health", interval: 100ms }\n` +
        `  client:\n    command: ["node", "-e", "console.log('api at ' + process.env.API); setInterval(() => {}, 1000)"]\n` +
        `    depends_on: { api: healthy }\n    env: { API: "\${ports.api}" }\n`,
    );
    const up = procs(['up'], { cwd: dir });
    try {
      const port = Number(/listening (\d+)/.exec(await up.waitFor(/listening \d+/))?.[1]);
      assert.ok(port > 0, up.text());
      assert.match(await up.waitFor(/api at /), new RegExp(`api at ${port}$`), 'the client got the port, once the probe on it passed');
      const restart = spawnSync(process.execPath, [MAIN, 'restart', 'api'], { cwd: dir, encoding: 'utf8' });
      assert.equal(restart.status, 0, restart.stdout + restart.stderr);
      await up.waitForCount(/listening \d+/, 2);
      assert.deepEqual(
        up.stdout.filter((l) => /listening \d+/.test(l)).map((l) => Number(/listening (\d+)/.exec(l)?.[1])),
        [port, port],
        'the same port after the restart',
      );
    } finally {
      up.child.kill('SIGTERM');
      await assertClean(up);
    }
  });
});
