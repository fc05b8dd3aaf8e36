// What every request must pass: the Host and Origin of this server only, no request made by
// another site, the session cookie (got by exchanging the printed URL's token), actions only by
// POST with a JSON body and the action header; the headers every answer carries; bad input
// answered, never thrown; the page's files only from its folder.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Dashboard } from '../../src/dashboard/start.js';
import { action, fakeProject, request, serve, signIn, type Fake } from './helpers.js';

let f: Fake;
let d: Dashboard;
let cookie: string;
before(async () => {
  f = fakeProject();
  d = await serve(f);
  cookie = await signIn(d.url);
});
after(async () => {
  await d.close();
  f.cleanup();
});

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function assertHardened(headers: Record<string, unknown>): void {
  assert.equal(headers['content-security-policy'], CSP);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.equal(headers['x-frame-options'], 'DENY');
}

describe('dashboard security', () => {
  it('prints a loopback URL with a long random token', () => {
    assert.match(d.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    assert.equal(new URL(d.url).port, String(d.port));
  });

  it('refuses a foreign Host (DNS rebinding) before anything else, even with the cookie', async () => {
    for (const host of ['evil.example:' + d.port, `127.0.0.1:${d.port + 1}`, '127.0.0.1', `localhost.evil.example:${d.port}`]) {
      const a = await request(d.port, { path: '/api/state', headers: { host, cookie } });
      assert.equal(a.status, 403, host);
      assert.match(a.body, /Host/);
      assertHardened(a.headers);
    }
    for (const host of [`localhost:${d.port}`, `[::1]:${d.port}`, `127.0.0.1:${d.port}`]) {
      const a = await request(d.port, { path: '/api/state', headers: { host, cookie } });
      assert.equal(a.status, 200, host);
    }
  });

  it('refuses a foreign Origin and requests made by other sites', async () => {
    for (const origin of ['http://evil.example', `https://127.0.0.1:${d.port}`, 'null', `http://127.0.0.1:${d.port + 1}`]) {
      const a = await action(d.port, cookie, '/api/restart', { units: ['web'] });
      assert.equal(a.status, 200);
      const b = await request(d.port, {
        method: 'POST',
        path: '/api/restart',
        headers: { cookie, origin, 'content-type': 'application/json', 'x-procs-action': '1' },
        body: '{"units":["api"]}',
      });
      assert.equal(b.status, 403, origin);
    }
    for (const site of ['cross-site', 'same-site']) {
      const a = await request(d.port, { path: '/api/state', headers: { cookie, 'sec-fetch-site': site } });
      assert.equal(a.status, 403, site);
    }
    const same = await request(d.port, { path: '/api/state', headers: { cookie, origin: `http://localhost:${d.port}`, 'sec-fetch-site': 'same-origin' } });
    assert.equal(same.status, 200);
    assert.deepEqual(
      f.calls.splice(0).filter((c) => c.includes('api')),
      [],
    );
  });

  it('answers 401 without the token or with a wrong one', async () => {
    const page = await request(d.port, { path: '/' });
    assert.equal(page.status, 401);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /open the URL that <code>procs dashboard<\/code> prints/);
    assertHardened(page.headers);
    const api = await request(d.port, { path: '/api/state' });
    assert.equal(api.status, 401);
    assert.equal((JSON.parse(api.body) as { error: { code: string } }).error.code, 'denied');
    assert.equal((await request(d.port, { path: '/?token=wrong' })).status, 401);
    assert.equal((await request(d.port, { path: `/?token=${new URL(d.url).searchParams.get('token')}x` })).status, 401);
    assert.equal((await request(d.port, { path: '/api/state', headers: { cookie: `procs_dashboard_${d.port}=nope` } })).status, 401);
    const token = new URL(d.url).searchParams.get('token') ?? '';
    assert.equal((await request(d.port, { path: '/api/state', headers: { cookie: `procs_dashboard_${d.port + 1}=${token}` } })).status, 401);
    assert.equal((await request(d.port, { path: '/assets/app.js' })).status, 401);
  });

  it('exchanges the token for an HttpOnly SameSite=Strict cookie and sends the browser on without it', async () => {
    const token = new URL(d.url).searchParams.get('token') ?? '';
    const a = await request(d.port, { path: `/?logs=web&token=${token}&q=%2Ferr%2F` });
    assert.equal(a.status, 303);
    assert.equal(a.headers.location, '/?logs=web&q=%2Ferr%2F');
    assert.deepEqual(a.headers['set-cookie'], [`procs_dashboard_${d.port}=${token}; HttpOnly; SameSite=Strict; Path=/`]);
    assertHardened(a.headers);
    const plain = await request(d.port, { path: `/?token=${token}` });
    assert.equal(plain.headers.location, '/');
    const sneaky = await request(d.port, { path: `/.//evil.example/?token=${token}` });
    assert.equal(sneaky.status, 303);
    assert.ok(!String(sneaky.headers.location).startsWith('//'), String(sneaky.headers.location));
    // A POST with the token changes nothing and gets no cookie.
    const post = await request(d.port, {
      method: 'POST',
      path: `/api/stop?token=${token}`,
      headers: { 'content-type': 'application/json', 'x-procs-action': '1' },
      body: '{}',
    });
    assert.equal(post.status, 401);
    assert.equal(post.headers['set-cookie'], undefined);
  });

  it('takes actions only by POST with a JSON body and the action header', async () => {
    f.calls.splice(0);
    for (const method of ['GET', 'PUT', 'DELETE', 'HEAD']) {
      const a = await request(d.port, { method, path: '/api/stop?units=web', headers: { cookie } });
      assert.equal(a.status, 405, method);
      assert.equal(a.headers.allow, 'POST');
    }
    const noHeader = await request(d.port, {
      method: 'POST',
      path: '/api/stop',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"units":["web"]}',
    });
    assert.equal(noHeader.status, 403);
    assert.match(noHeader.body, /x-procs-action/);
    const form = await request(d.port, {
      method: 'POST',
      path: '/api/stop',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-procs-action': '1' },
      body: 'units=web',
    });
    assert.equal(form.status, 415);
    const text = await request(d.port, {
      method: 'POST',
      path: '/api/stop',
      headers: { cookie, 'content-type': 'text/plain', 'x-procs-action': '1' },
      body: '{"units":["web"]}',
    });
    assert.equal(text.status, 415);
    assert.deepEqual(f.calls, [], 'nothing was done');
    const ok = await action(d.port, cookie, '/api/stop', { units: ['web'] });
    assert.equal(ok.status, 200);
    assert.equal((JSON.parse(ok.body) as { units: { state: string }[] }).units[0]?.state, 'stopped');
    assert.deepEqual(f.calls.splice(0), ['stop web']);
    assert.equal((await request(d.port, { method: 'POST', path: '/api/state', headers: { cookie } })).status, 405);
  });

  it('answers errors as the control socket does and never falls over on bad input', async () => {
    const unknown = await action(d.port, cookie, '/api/start', { units: ['nope'] });
    assert.equal(unknown.status, 404);
    assert.deepEqual(JSON.parse(unknown.body), { error: { code: 'unknown-unit', message: "no unit named 'nope'", details: [] } });
    const post = (body: string): Promise<{ status: number; body: string }> =>
      request(d.port, { method: 'POST', path: '/api/scale', headers: { cookie, 'content-type': 'application/json', 'x-procs-action': '1' }, body });
    assert.equal((await post('{not json')).status, 400);
    assert.equal((await post('[1]')).status, 400);
    assert.equal((await post('{"pools":{"w":-1}}')).status, 400);
    assert.equal((await action(d.port, cookie, '/api/start', { units: 'web' })).status, 400);
    const huge = await post(JSON.stringify({ pools: {}, pad: 'x'.repeat(2 * 1024 * 1024) })).catch(() => ({ status: 413, body: '' }));
    assert.equal(huge.status, 413);
    assert.equal((await request(d.port, { path: '/api/nothing', headers: { cookie } })).status, 404);
    assert.equal((await request(d.port, { path: '/api/logs?limit=x', headers: { cookie } })).status, 400);
    // Still serving.
    assert.equal((await request(d.port, { path: '/api/state', headers: { cookie } })).status, 200);
  });

  it('serves the page and only the files of its folder, with their types and the headers', async () => {
    const page = await request(d.port, { path: '/', headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.equal(page.headers['cache-control'], 'no-store');
    assertHardened(page.headers);
    const types: Record<string, RegExp> = { 'app.js': /^text\/javascript/, 'app.css': /^text\/css/, 'icon-ok.svg': /^image\/svg\+xml/ };
    for (const [name, type] of Object.entries(types)) {
      const a = await request(d.port, { path: `/assets/${name}`, headers: { cookie } });
      assert.equal(a.status, 200, name);
      assert.match(String(a.headers['content-type']), type);
    }
    for (const path of ['/assets/../secret.txt', '/assets/%2e%2e%2fsecret.txt', '/assets/..%2Fsecret.txt', '/assets/nope.js', '/secret.txt', '/assets/']) {
      const a = await request(d.port, { path, headers: { cookie } });
      assert.equal(a.status, 404, path);
      assert.doesNotMatch(a.body, /not for the page/);
    }
    const state = await request(d.port, { path: '/api/state', headers: { cookie } });
    assert.equal(state.headers['cache-control'], 'no-store');
    const s = JSON.parse(state.body) as { status: { project: string }; usage: unknown; why: unknown[]; graph: { nodes: unknown[] } };
    assert.equal(s.status.project, 'demo');
    assert.equal(s.usage, null, 'usage that cannot be read is null');
    assert.deepEqual(s.why, []);
    assert.equal(s.graph.nodes.length, 2);
  });

  it('says so when the page was not built', async () => {
    const g = fakeProject();
    rmSync(g.assetsDir, { recursive: true });
    const e = await serve(g, { assetsDir: join(g.dir, 'missing') });
    try {
      const c = await signIn(e.url);
      const a = await request(e.port, { path: '/', headers: { cookie: c } });
      assert.equal(a.status, 500);
      assert.match(a.body, /page is not in .*missing/);
    } finally {
      await e.close();
      g.cleanup();
    }
  });
});
