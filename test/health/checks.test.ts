// The HTTP(S) probe check against local servers: 2xx/3xx is healthy, anything else or a failed
// connection or handshake is a failure with a detail, never a throw. The exec check, through the
// one-shot runner it is given. Details say what was seen, not what was checked: the address of a
// failure only when the target as shown does not mask its host.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { Command, ProbeCheck, UnitSpec } from '../../src/config/spec.js';
import { checkFor, execCheck, httpCheck } from '../../src/health/checks.js';
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
    assert.deepEqual(await check(`http://127.0.0.1:${port}/ok`), { ok: true, detail: 'HTTP 200' });
    assert.equal((await check(`http://127.0.0.1:${port}/moved`)).ok, true);
    assert.deepEqual(await check(`http://127.0.0.1:${port}/down`), { ok: false, detail: 'HTTP 503' });
  });

  it('an https check against a server that speaks no TLS fails with a detail', async () => {
    const port = await listen(createTcpServer((socket) => socket.end('not tls\n')));
    const r = await check(`https://127.0.0.1:${port}/ready`);
    assert.equal(r.ok, false);
    assert.ok(r.detail !== '' && !r.detail.includes('127.0.0.1'), r.detail);
  });

  it('a refused connection and a bad URL are failures too', async () => {
    const closed = createTcpServer();
    const port = await listen(closed);
    servers.pop();
    await new Promise((resolve) => closed.close(resolve));
    assert.deepEqual(await check(`http://127.0.0.1:${port}/`), { ok: false, detail: 'connect ECONNREFUSED' });
    assert.deepEqual(await check('not a url'), { ok: false, detail: 'not a URL' });
  });

  it('names the address of a refused connection when the target shows its host, never when it masks it', async () => {
    const closed = createTcpServer();
    const port = await listen(closed);
    servers.pop();
    await new Promise((resolve) => closed.close(resolve));
    const unit = { cwd: '/', env: {} } as unknown as UnitSpec;
    const noCommands = (): never => {
      throw new Error('no exec probe here');
    };
    const answer = (c: ProbeCheck) => checkFor(unit, c, noCommands)?.(new AbortController().signal);
    const url = `http://127.0.0.1:${port}/health`;
    const refused = { ok: false, detail: 'connect ECONNREFUSED', where: `127.0.0.1:${port}` };
    assert.deepEqual(await answer({ kind: 'http', url, display: `http://127.0.0.1:${port}/health` }), refused);
    assert.deepEqual(await answer({ kind: 'http', url: `http://u:pw@127.0.0.1:${port}/?t=x`, display: `http://***@127.0.0.1:${port}/?t=***` }), refused);
    assert.deepEqual(await answer({ kind: 'tcp', host: '127.0.0.1', port, display: `127.0.0.1:${port}` }), refused);
    // The host or port comes from a variable: the result names neither.
    const masked = { ok: false, detail: 'connect ECONNREFUSED' };
    assert.deepEqual(await answer({ kind: 'http', url, display: 'http://***:' + String(port) + '/health' }), masked);
    assert.deepEqual(await answer({ kind: 'http', url, display: 'http://127.0.0.1:***/health' }), masked);
    assert.deepEqual(await answer({ kind: 'tcp', host: '127.0.0.1', port, display: '***' }), masked);
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
    assert.deepEqual(await execCheck(unit, command, runner)(signal), { ok: true, detail: 'exit 0' });
    assert.deepEqual(calls, [[command, { cwd: '/srv/app', env: { TOKEN: 'secret' }, signal, capture: { maxChars: 1000, keep: 'end' } }]]);
  });

  it('fails on another status, on a timeout, and on a command that could not start (as exit 127)', async () => {
    const check = (result: OneShotResult) => execCheck(unit, command, () => Promise.resolve(result))(new AbortController().signal);
    assert.deepEqual(await check({ ...none, status: 3 }), { ok: false, detail: 'exit 3' });
    assert.deepEqual(await check({ ...none, status: null, canceled: true }), { ok: false, detail: 'timed out' });
    assert.deepEqual(await check({ ...none, status: 126, error: 'cannot run ./probe: permission denied' }), {
      ok: false,
      detail: 'exit 127: cannot run ./probe: permission denied',
    });
  });

  it('shows the last non-empty line the command wrote, stderr’s first, cut to 200 characters', async () => {
    const check = (result: Partial<OneShotResult>) =>
      execCheck(unit, command, () => Promise.resolve({ ...none, status: 1, ...result }))(new AbortController().signal);
    assert.deepEqual(await check({ stdout: 'checking\n/tmp:5432 - no response\n\n' }), { ok: false, detail: 'exit 1: /tmp:5432 - no response' });
    assert.deepEqual(await check({ stdout: 'progress\n', stderr: 'psql: error: no such table\r\n  \n' }), {
      ok: false,
      detail: 'exit 1: psql: error: no such table',
    });
    const long = await check({ stdout: `${'x'.repeat(500)}\n` });
    assert.equal(long.detail, `exit 1: ${'x'.repeat(199)}…`);
  });

  it('masks the unit’s own env values in that line, whole, before cutting it; short and inherited values stay', async () => {
    const secret = 's3cr3t-value-abc';
    const own = { cwd: '/srv/app', env: { TOKEN: secret, PORT: '5432', HOME: process.env.HOME ?? '/root' } } as unknown as UnitSpec;
    const check = (result: Partial<OneShotResult>) =>
      execCheck(own, command, () => Promise.resolve({ ...none, status: 1, ...result }))(new AbortController().signal);
    assert.deepEqual(await check({ stderr: `auth failed for ${secret} on 127.0.0.1:5432\n` }), {
      ok: false,
      detail: 'exit 1: auth failed for *** on 127.0.0.1:5432',
    });
    // A value across the 200th character is not shown in part either.
    const cut = await check({ stderr: `${'y'.repeat(190)}${secret}\n` });
    assert.doesNotMatch(cut.detail, /s3cr3t/);
    assert.equal(cut.detail, `exit 1: ${'y'.repeat(190)}***`);
  });
});
