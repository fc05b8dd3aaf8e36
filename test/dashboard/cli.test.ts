// The dashboard of a real project, through the built CLI: `procs dashboard --no-open` prints the
// URL, the token gets the cookie, the state, the stream and an action answer; env values (and
// commands built from them) never reach the page; after `down` and `up -d` the URL is the same.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { StreamEvents } from '../../src/dashboard/protocol.js';
import { NODE, tempProject, type Proj } from '../control/helpers.js';
import { action, request, signIn } from './helpers.js';
import { openStream } from './sse.js';

const SECRET = 's3cr3t-Dashboard-Value-9f2';
const HANG = "console.log('up and running'); setInterval(() => {}, 1 << 30);\n";
const SPEC = `version: 1
processes:
  web:
    command: [${NODE}, hang.js]
  keyed:
    env:
      API_KEY: ${SECRET}
    command: ${JSON.stringify(`${process.execPath} hang.js --key=\${API_KEY}`)}
`;

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

describe('procs dashboard', () => {
  it('prints a URL whose token opens the page of the running project, the same one after a restart', async () => {
    const p = tempProject({ 'procs.yaml': SPEC, 'hang.js': HANG });
    projects.push(p);
    const up = await p.run(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);

    const shown = await p.run(['dashboard', '--no-open']);
    assert.equal(shown.code, 0, shown.stderr);
    const url = shown.stdout.trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const port = Number(new URL(url).port);
    assert.equal((await request(port, { path: '/api/state' })).status, 401);
    const cookie = await signIn(url);

    const state = await request(port, { path: '/api/state', headers: { cookie } });
    assert.equal(state.status, 200);
    const s = JSON.parse(state.body) as { status: { units: { name: string; state: string }[] }; graph: { nodes: { name: string }[] } };
    assert.deepEqual(s.status.units.map((u) => u.name).sort(), ['keyed', 'web']);
    assert.deepEqual(s.graph.nodes.map((n) => n.name).sort(), ['keyed', 'web']);
    assert.ok(!state.body.includes(SECRET), 'the state never holds an env value');

    const page = await request(port, { path: '/', headers: { cookie } });
    assert.ok(page.status === 200 || (page.status === 500 && /page is not in/.test(page.body)), `${page.status} ${page.body}`);

    const stream = await openStream(port, cookie);
    const history = await stream.waitFor((m) => m.event === 'logs');
    assert.equal((history.data as StreamEvents['logs']).history, true);
    assert.ok((history.data as StreamEvents['logs']).lines.some((l) => l.unit === 'web' && l.text === 'up and running'));
    const restarted = await action(port, cookie, '/api/restart', { units: ['web'] });
    assert.equal(restarted.status, 200, restarted.body);
    // Its new run, and that run's output, live.
    await stream.waitFor((m) => {
      const e = m.event === 'event' ? (m.data as StreamEvents['event']).event : undefined;
      return e?.type === 'spawn' && e.unit === 'web' && e.attempt === 2;
    });
    await stream.waitFor((m) => m.event === 'logs' && (m.data as StreamEvents['logs']).history !== true);
    const unknown = await action(port, cookie, '/api/restart', { units: ['wbe'] });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body, /did you mean 'web'/);
    assert.equal((await request(port, { path: '/api/restart', headers: { cookie } })).status, 405);
    const raw = JSON.stringify(stream.messages);
    assert.ok(raw.includes('"unit":"keyed"'), 'the unit with the value is in the stream');
    assert.ok(!raw.includes(SECRET), 'the stream never holds an env value');
    stream.close();

    // The same URL once the project runs again: an open page reconnects.
    const down = await p.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    const again = await p.run(['up', '-d']);
    assert.equal(again.code, 0, again.stderr);
    const second = await p.run(['dashboard', '--no-open']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), url);
    assert.equal((await request(port, { path: '/api/state', headers: { cookie } })).status, 200);
  });
});
