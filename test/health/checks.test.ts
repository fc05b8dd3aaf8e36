// The HTTP(S) probe check against local servers: 2xx/3xx is healthy, anything else or a failed
// connection or handshake is a failure with a detail, never a throw.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { httpCheck } from '../../src/health/checks.js';

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
