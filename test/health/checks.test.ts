// The HTTP(S) probe check against local servers: 2xx/3xx is healthy, anything else or a failed
// connection or handshake is a failure with a detail, never a throw. The exec check, through the
// one-shot runner it is given.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { Command, UnitSpec } from '../../src/config/spec.js';
import { execCheck, httpCheck } from '../../src/health/checks.js';
import type { OneShotOptions, OneShotResult, OneShotRunner } from '../../src/runtime/one-shot.js';

const servers: { close(): unknown }[] = [];
after(() => servers.forEach((s) => s.close()));

// Listens on 127.0.0.1 at a free port and gives the port.
async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const check = (url: string) => httpCheck(url)(new AbortController().signal);

describe('httpCheck', () => {
  it('is healthy on 2xx and 3xx, unhealthy on 5xx', async () => {
    const port = await listen(createHttpServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : req.url === '/moved' ? 302 : 503).end()));
    assert.deepEqual(await check(`http://127.0.0.1:${port}/ok`), { ok: true, detail: `GET http://127.0.0.1:${port}/ok → 200` });
    assert.equal((await check(`http://127.0.0.1:${port}/moved`)).ok, true);
    assert.deepEqual(await check(`http://127.0.0.1:${port}/down`), { ok: false, detail: `GET http://127.0.0.1:${port}/down → 503` });
  });

  it('an https check against a server that speaks no TLS fails with a detail', async () => {
    const port = await listen(createTcpServer((socket) => socket.end('not tls\n')));
    const r = await check(`https://127.0.0.1:${port}/ready`);
    assert.equal(r.ok, false);
    assert.match(r.detail, new RegExp(`^GET https://127\\.0\\.0\\.1:${port}/ready: `));
  });

  it('a refused connection and a bad URL are failures too', async () => {
    const closed = createTcpServer();
    const port = await listen(closed);
    servers.pop();
    await new Promise((resolve) => closed.close(resolve));
    assert.equal((await check(`http://127.0.0.1:${port}/`)).ok, false);
    assert.deepEqual(await check('not a url'), { ok: false, detail: 'not a URL: not a url' });
  });
});

describe('execCheck', () => {
  const unit = { cwd: '/srv/app', env: { TOKEN: 'secret' } } as unknown as UnitSpec;
  const command: Command = { kind: 'shell', shell: '/bin/sh', script: 'pg_isready' };
  const none = { timedOut: false, canceled: false, outputLimited: false, stdout: '', stderr: '' };

  it('runs the command through the runner it is given, with the unit’s cwd, env and the probe’s abort signal', async () => {
    const calls: [Command, OneShotOptions][] = [];
    const runner: OneShotRunner = (c, o) => {
      calls.push([c, o]);
      return Promise.resolve({ ...none, status: 0 });
    };
    const signal = new AbortController().signal;
    assert.deepEqual(await execCheck(unit, command, runner)(signal), { ok: true, detail: 'exec: exit 0' });
    assert.deepEqual(calls, [[command, { cwd: '/srv/app', env: { TOKEN: 'secret' }, signal }]]);
  });

  it('fails on another status, on a timeout, and on a command that could not start (as exit 127)', async () => {
    const check = (result: OneShotResult) => execCheck(unit, command, () => Promise.resolve(result))(new AbortController().signal);
    assert.deepEqual(await check({ ...none, status: 3 }), { ok: false, detail: 'exec: exit 3' });
    assert.deepEqual(await check({ ...none, status: null, canceled: true }), { ok: false, detail: 'exec: timed out' });
    assert.deepEqual(await check({ ...none, status: 126, error: 'cannot run ./probe: permission denied' }), { ok: false, detail: 'exec: exit 127' });
  });
});
