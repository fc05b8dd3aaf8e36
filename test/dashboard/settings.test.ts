// The dashboard's port and token outlive it (`.procs/dashboard.json`, mode 0600): the next one
// serves on the same URL when the port is free, keeps the token when it is not, refuses a port
// asked for that is taken, and makes a new token when the file holds none that is valid.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { ControlError } from '../../src/control/api.js';
import { fakeProject, request, serve, signIn } from './helpers.js';

function listen(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port }, () => resolve(s));
  });
}

function portOf(s: Server): number {
  const a = s.address();
  return typeof a === 'object' && a !== null ? a.port : 0;
}

describe('dashboard settings', () => {
  it('serves the next dashboard on the same port with the same token; the file is private', async () => {
    const f = fakeProject();
    try {
      const first = await serve(f);
      const saved = JSON.parse(readFileSync(f.settingsFile, 'utf8')) as { port: number; token: string };
      assert.equal(saved.port, first.port);
      assert.equal(first.url, `http://127.0.0.1:${saved.port}/?token=${saved.token}`);
      assert.equal(statSync(f.settingsFile).mode & 0o777, 0o600);
      const cookie = await signIn(first.url);
      await first.close();

      const second = await serve(f);
      try {
        assert.equal(second.url, first.url);
        // The page's cookie from before still lets it in.
        assert.equal((await request(second.port, { path: '/api/state', headers: { cookie } })).status, 200);
      } finally {
        await second.close();
      }
    } finally {
      f.cleanup();
    }
  });

  it('keeps the token on another port when the saved one is taken, and refuses a taken port asked for', async () => {
    const f = fakeProject();
    const first = await serve(f);
    const token = new URL(first.url).searchParams.get('token');
    await first.close();
    const squatter = await listen(first.port);
    try {
      const second = await serve(f);
      assert.notEqual(second.port, first.port);
      assert.equal(new URL(second.url).searchParams.get('token'), token);
      await second.close();
      await assert.rejects(
        serve(f, { port: first.port }),
        (e: unknown) => e instanceof ControlError && e.code === 'bad-request' && e.message.startsWith(`port ${first.port} is in use`),
      );
    } finally {
      squatter.close();
      f.cleanup();
    }
  });

  it('serves on the port asked for, and makes a new token when the file holds a bad one', async () => {
    const f = fakeProject();
    const free = await listen();
    const port = portOf(free);
    await new Promise((r) => free.close(r));
    try {
      writeFileSync(f.settingsFile, JSON.stringify({ port: 'x', token: 'short' }));
      const d = await serve(f, { port });
      try {
        assert.equal(d.port, port);
        assert.match(d.url, /token=[A-Za-z0-9_-]{43}$/);
        assert.doesNotMatch(d.url, /token=short/);
        // Over IPv6 too, when the host has it.
        const v6 = await request(port, { host: '::1', path: '/', headers: { host: `[::1]:${port}` } }).catch(() => undefined);
        if (v6) assert.equal(v6.status, 401);
      } finally {
        await d.close();
      }
    } finally {
      f.cleanup();
    }
  });
});
