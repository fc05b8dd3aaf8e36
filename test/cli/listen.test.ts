// `listen:`: procs binds a unit's sockets and passes them as fd 3… the way systemd's socket
// activation does (compared with systemd-socket-activate), keeps them across restarts so that a
// connection made while no run accepts waits in the queue, shares a pool's, lets them go on
// `procs stop`, and names the holder of a taken port.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, MAIN, assertClean, freePort, procs, specProject, type Run } from '../helpers/cli.js';
import { waitFor, within } from '../helpers/processes.js';

const SERVER = join(BIN, 'listen-server.mjs');

interface Report {
  fds: string | null;
  pidIsMine: boolean;
  names: string | null;
  procsListen: string | null;
  fd3: { inode?: string; port?: number; listening?: boolean } | null;
  fd4Socket: boolean;
}

/** GET http://127.0.0.1:PORT/PATH on a fresh connection: the body, or the error's code. */
function get(port: number, path = '/'): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
  });
}

/** The reports a run's units printed, in order, by unit. */
function reports(run: Run, unit: string): Report[] {
  const re = new RegExp(`^\\S*\\s*${unit.replace('.', '\\.')} +\\| report (.*)$`);
  return run.stdout.flatMap((l) => {
    const m = re.exec(l);
    return m?.[1] === undefined ? [] : [JSON.parse(m[1]) as Report];
  });
}

const control = (dir: string, ...args: string[]): string => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return `${r.stdout}${r.stderr}`;
};

async function stopUp(up: Run): Promise<void> {
  up.child.kill('SIGTERM');
  await within(up.exited, 30_000, 'procs up to stop');
  await assertClean(up);
}

// `PROCS_SPAWNER=node npm test` runs the suite without the spawner, which alone holds the sockets.
const noSpawner = process.env.PROCS_SPAWNER === 'node' ? 'PROCS_SPAWNER=node: only the spawner holds sockets' : false;

describe('listen: sockets passed as systemd passes them', { skip: noSpawner }, () => {
  it('gives fd 3, LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES as systemd-socket-activate does', async (t) => {
    const activate = spawnSync('sh', ['-c', 'command -v systemd-socket-activate'], { encoding: 'utf8' }).stdout.trim();
    if (activate === '') return t.skip('systemd-socket-activate is not installed (Debian package systemd)');
    const theirsPort = await freePort();
    const theirs = spawn(activate, ['-l', `127.0.0.1:${theirsPort}`, '--fdname=api', process.execPath, SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => theirs.kill('SIGKILL'));
    await within(
      new Promise<void>((resolve) => theirs.stderr.on('data', (d: Buffer) => d.toString().includes('Listening on') && resolve())),
      10_000,
      'systemd-socket-activate to listen',
    );
    const line = new Promise<string>((resolve) => theirs.stdout.on('data', (d: Buffer) => d.toString().includes('report') && resolve(d.toString())));
    assert.match(await get(theirsPort), /^pid \d+$/, 'the program got the connection that started it');
    const systemd = JSON.parse(/report (.*)/.exec(await within(line, 10_000, 'the report'))?.[1] ?? '{}') as Report;

    const port = await freePort();
    const dir = specProject(`processes:\n  api:\n    command: ["node", "${SERVER}"]\n    listen: "127.0.0.1:${port}"\n`);
    const up = procs(['up'], { cwd: dir });
    await up.waitFor(/api +\| serving/);
    const [ours] = reports(up, 'api');
    assert.ok(ours);
    const shape = (r: Report): unknown => ({ ...r, procsListen: null, fd3: { ...r.fd3, inode: 'x', port: 0 } });
    assert.deepEqual(shape(ours), shape(systemd), 'the same variables and fds');
    assert.deepEqual(ours.fd3?.port, port);
    assert.deepEqual(systemd.fd3?.port, theirsPort);
    assert.deepEqual(
      { fds: ours.fds, pidIsMine: ours.pidIsMine, names: ours.names, listening: ours.fd3?.listening, fd4Socket: ours.fd4Socket },
      {
        fds: '1',
        pidIsMine: true,
        names: 'api',
        listening: true,
        fd4Socket: false,
      },
    );
    assert.equal(ours.procsListen, `3=127.0.0.1:${port}`);
    await stopUp(up);
  });

  it('keeps the socket across a restart: a connection made while no run accepts is answered by the next', async () => {
    const port = await freePort();
    const dir = specProject(
      `processes:\n  api:\n    command: ["node", "${SERVER}"]\n    listen: ${port}\n    restart: { policy: always, backoff: { initial: 3s } }\n`,
    );
    const up = procs(['up'], { cwd: dir });
    await up.waitFor(/api +\| serving/);
    const first = await get(port);
    const pid = Number(/^pid (\d+)$/.exec(first)?.[1]);
    assert.ok(pid > 0, first);
    assert.equal(await get(port, '/exit'), `pid ${pid}`);
    await waitFor(() => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 'the first run to exit');
    // No process accepts now (the restart waits 3 s); the kernel queues the connection.
    const during = await get(port);
    assert.match(during, /^pid \d+$/, `not refused: ${during}`);
    assert.notEqual(during, `pid ${pid}`, 'answered by the next run');
    // Its lines reach procs' output after its answer reached the client.
    await up.waitForCount(/api +\| serving/, 2);
    const [a, b] = reports(up, 'api');
    assert.ok(a?.fd3?.inode !== undefined && a.fd3.inode === b?.fd3?.inode, 'the same socket in both runs');
    assert.equal(a.fds, '1');
    assert.equal(b?.pidIsMine, true, 'LISTEN_PID is the new run');
    await stopUp(up);
  });

  it('lets the socket go on procs stop and binds it again on procs start', async () => {
    const port = await freePort();
    const dir = specProject(`processes:\n  api:\n    command: ["node", "${SERVER}"]\n    listen: "127.0.0.1:${port}"\n`);
    const up = procs(['up'], { cwd: dir });
    await up.waitFor(/api +\| serving/);
    assert.match(await get(port), /^pid \d+$/);
    await waitFor(() => existsSync(join(dir, '.procs/procs.sock')), 'the control socket');
    control(dir, 'stop', 'api');
    assert.equal(await get(port), 'ECONNREFUSED', 'a stopped unit does not keep clients waiting');
    control(dir, 'start', 'api');
    await up.waitForCount(/api +\| serving/, 2);
    assert.match(await get(port), /^pid \d+$/);
    await stopUp(up);
  });

  it('shares a pool socket between its instances', async () => {
    const port = await freePort();
    const dir = specProject(`pools:\n  web:\n    command: ["node", "${SERVER}"]\n    replicas: 2\n    listen: "127.0.0.1:${port}"\n`);
    const up = procs(['up'], { cwd: dir });
    await up.waitForCount(/web\.\d +\| serving/, 2);
    const [a] = reports(up, 'web.0');
    const [b] = reports(up, 'web.1');
    assert.ok(a?.fd3?.inode !== undefined && a.fd3.inode === b?.fd3?.inode, 'one socket');
    assert.equal(a.names, 'web');
    assert.match(await get(port), /^pid \d+$/);
    await stopUp(up);
  });

  it('fails the unit at once when another process holds the port, naming it', async () => {
    const port = await freePort();
    const foreign = spawn(process.execPath, [join(BIN, 'http-server.js'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await within(
        new Promise<void>((resolve) => foreign.stdout.on('data', (d: Buffer) => d.toString().includes('listening') && resolve())),
        10_000,
        'the holder',
      );
      const dir = specProject(`processes:\n  api:\n    command: ["node", "${SERVER}"]\n    listen: "127.0.0.1:${port}"\n    restart: always\n`);
      const up = procs(['up'], { cwd: dir });
      assert.notEqual(await within(up.exited, 30_000, 'procs up to give up'), 0);
      assert.ok(up.text().includes(`listen: cannot listen on 127.0.0.1:${port}: port ${port} is in use by pid ${foreign.pid}`), up.text());
      assert.ok(!up.text().includes('serving'));
      await assertClean(up);
    } finally {
      foreign.kill('SIGKILL');
    }
  });
});

describe('listen: without the spawner', () => {
  it('says why when units start through Node, which cannot hold the sockets', async () => {
    const port = await freePort();
    const dir = specProject(`processes:\n  api:\n    command: ["node", "${SERVER}"]\n    listen: "127.0.0.1:${port}"\n`);
    const up = procs(['up'], { cwd: dir, env: { PROCS_SPAWNER: 'node' } });
    assert.notEqual(await within(up.exited, 30_000, 'procs up to give up'), 0);
    assert.match(up.text(), /listen: needs procs-spawner/);
    await assertClean(up);
  });
});
