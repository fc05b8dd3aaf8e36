// The wire between the CLI and a project: the HTTP server over a Unix socket in front of a
// ControlApi, and the client implementing the same interface. Answers, errors in one shape,
// feeds that say when they are subscribed and end with the project, and `down`'s stream.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createConnection, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { ControlError, type ControlApi, type Feed, type LiveBatch, type ProjectStatus } from '../../src/control/api.js';
import { exitCodeOf } from '../../src/app/exit-codes.js';
import { ControlClient } from '../../src/control/client.js';
import { Exchange } from '../../src/control/exchange.js';
import { createControlListener, createControlServer } from '../../src/control/server.js';
import type { ProcsEvent } from '../../src/events/types.js';

const dir = mkdtempSync(join(tmpdir(), 'procs-wire-'));
const sock = join(dir, 's.sock');
const calls: string[] = [];
const listeners = { event: undefined as ((e: ProcsEvent) => void) | undefined, batch: undefined as ((b: LiveBatch) => void) | undefined };
let closeFeeds: () => void = () => undefined;
let downAnswered: () => void = () => undefined;
const connections = new Set<Socket>();
const STATUS: ProjectStatus = { project: 'p', root: dir, pid: 1, files: [join(dir, 'procs.yaml')], pools: [], units: [] };

/** An in-process feed that records its subscriber until closed. */
function feed(set: () => void, unset: () => void): Feed {
  let end!: () => void;
  const ended = new Promise<void>((r) => (end = r));
  set();
  return { ready: Promise.resolve(), ended, close: () => (unset(), end()) };
}

const api: ControlApi = {
  status: async () => STATUS,
  started: async () => undefined,
  start: async (units) => {
    calls.push(`start ${units.join(',')}`);
    throw new ControlError('unknown-unit', "no unit named 'x'; did you mean 'y'?");
  },
  stop: async () => {
    throw new Error('boom');
  },
  restart: async (units) => ({ units: units.map((name) => ({ ...STATUS, name }) as never) }),
  scale: async (pools) => ({ actions: Object.keys(pools) }),
  reload: async () => {
    throw new ControlError('spec-error', 'the spec has errors; nothing was changed', ['procs.yaml:1:1  bad']);
  },
  down: async (req, onEvent) => {
    calls.push(`down ${req?.timeoutMs ?? '-'}`);
    onEvent?.({ ts: 't', type: 'stop', unit: 'a', reason: 'r', state: 'stopped' });
    setImmediate(downAnswered); // the server writes `done` right after this returns
  },
  logs: (units, onBatch) => {
    if (units.includes('nope')) throw new ControlError('unknown-unit', "no unit named 'nope'");
    return feed(
      () => (listeners.batch = onBatch),
      () => (listeners.batch = undefined),
    );
  },
  tail: async (units, lines) => {
    calls.push(`tail ${units.join(',')} ${lines ?? '-'}`);
    return { units: units.map((unit) => ({ unit, lines: [{ stream: 'stderr', text: `${unit}: last words` }] })) };
  },
  why: async (units) => ({ units: units.map((unit) => ({ unit, state: 'pending' as const, summary: 'waiting for db (healthy)' })) }),
  events: (onEvent) => {
    const f = feed(
      () => (listeners.event = onEvent),
      () => (listeners.event = undefined),
    );
    closeFeeds = () => f.close();
    return f;
  },
  dashboard: async (req) => ({ url: `http://127.0.0.1:${req?.port ?? 1}/?token=t`, started: true }),
  usage: async () => ({
    units: [{ name: 'a', cpu_percent: 12.5, rss_bytes: 1 << 20, pss_bytes: null }],
    total: { cpu_percent: 12.5, rss_bytes: 1 << 20, pss_bytes: null },
    window_ms: 1000,
  }),
  attach: () => {
    throw new Error('attach is tested in attach-wire.test.ts');
  },
};

let server: Server;
const client = new ControlClient(sock, dir, 0);
before(async () => {
  server = createControlServer(api).server;
  server.on('connection', (s: Socket) => connections.add(s));
  await new Promise<void>((resolve) => server.listen(sock, resolve));
});
after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('control server and client', () => {
  it('answers usage as numbers', async () => {
    const u = await client.usage();
    assert.deepEqual(u.units, [{ name: 'a', cpu_percent: 12.5, rss_bytes: 1 << 20, pss_bytes: null }]);
    assert.equal(u.total.rss_bytes, 1 << 20);
    assert.equal(u.window_ms, 1000);
  });

  it('answers with JSON and passes errors through in one shape', async () => {
    assert.deepEqual(await client.status(), STATUS);
    assert.deepEqual(await client.scale({ w: 3 }), { actions: ['w'] });
    await assert.rejects(
      client.start(['x']),
      (e: unknown) => e instanceof ControlError && e.code === 'unknown-unit' && exitCodeOf(e) === 2 && /did you mean 'y'/.test(e.message),
    );
    await assert.rejects(client.stop(['a']), (e: unknown) => e instanceof ControlError && e.code === 'internal' && e.message === 'boom' && exitCodeOf(e) === 1);
    await assert.rejects(client.reload(), (e: unknown) => e instanceof ControlError && e.code === 'spec-error' && e.details[0] === 'procs.yaml:1:1  bad');
    await assert.rejects(client.scale({ w: -1 }), (e: unknown) => e instanceof ControlError && e.code === 'bad-request' && /from 0 to 1024/.test(e.message));
    assert.deepEqual(calls.splice(0), ['start x']);
  });

  it("answers a tail request with each unit's last lines; a bad count is refused", async () => {
    assert.deepEqual(await client.tail(['db', 'w.0'], 10), {
      units: [
        { unit: 'db', lines: [{ stream: 'stderr', text: 'db: last words' }] },
        { unit: 'w.0', lines: [{ stream: 'stderr', text: 'w.0: last words' }] },
      ],
    });
    assert.deepEqual(await client.tail([]), { units: [] });
    await assert.rejects(
      client.tail(['db'], -1),
      (e: unknown) => e instanceof ControlError && e.code === 'bad-request' && /lines must be a whole number/.test(e.message),
    );
    assert.deepEqual(calls.splice(0), ['tail db,w.0 10', 'tail  -']);
  });

  it('feeds say when they are subscribed, deliver in order, and end when the server ends them', async () => {
    const got: string[] = [];
    const events = client.events((e) => got.push(`${e.type} ${e.unit}`));
    await events.ready;
    listeners.event?.({ ts: 't', type: 'spawn', unit: 'a', pid: 1, attempt: 1 });
    listeners.event?.({ ts: 't', type: 'ready', unit: 'a', afterMs: 1 });
    closeFeeds();
    await events.ended;
    assert.deepEqual(got, ['spawn a', 'ready a']);

    let arrived!: (text: string) => void;
    const line = new Promise<string>((resolve) => (arrived = resolve));
    const logs = client.logs(['a'], (b) => arrived(b.text));
    await logs.ready;
    listeners.batch?.({ ts: 't', unit: 'a', stream: 'stdout', text: 'hello\n' });
    assert.equal(await line, 'hello\n');
    logs.close();
    await logs.ended;
    await assert.rejects(client.logs(['nope'], () => undefined).ready, (e: unknown) => e instanceof ControlError && e.code === 'unknown-unit');
  });

  it('streams down: the stop events, then done, and returns once the connection closes', async () => {
    const seen: string[] = [];
    const answered = new Promise<void>((resolve) => (downAnswered = resolve));
    const done = client.down({ timeoutMs: 500 }, (e) => seen.push(`${e.type} ${e.unit}`));
    await answered;
    for (const s of connections) s.end(); // as the process exiting would
    await done;
    assert.deepEqual(seen, ['stop a']);
    assert.deepEqual(calls.splice(0), ['down 500']);
  });

  it('does nothing for a request that arrives after its client stopped waiting', async () => {
    const late = new Exchange(sock, 'POST', '/v1/start', { units: ['x'] }, Date.now() - 1);
    assert.equal(await late.status, 504);
    assert.match(await late.text(), /arrived after its client stopped waiting; nothing was done/);
    assert.deepEqual(calls.splice(0), [], 'start was not carried out');
  });

  it('gives up on a server that does not answer, but waits on a long request while the server answers a status', async () => {
    const silent = createNetServer(() => undefined); // accepts, never answers: a frozen project
    const silentSock = join(dir, 'silent.sock');
    await new Promise<void>((resolve) => silent.listen(silentSock, resolve));
    after(() => silent.close());
    const frozen = new ControlClient(silentSock, '/some/project', 0, 100);
    await assert.rejects(frozen.status(), (e: unknown) => e instanceof ControlError && e.code === 'no-answer' && /did not answer within 100ms/.test(e.message));
    await assert.rejects(frozen.restart(['a']), (e: unknown) => e instanceof ControlError && e.code === 'no-answer');
    await assert.rejects(frozen.events(() => undefined).ready, (e: unknown) => e instanceof ControlError && e.code === 'no-answer');

    const slowSock = join(dir, 'slow.sock');
    const slow = createControlServer({
      ...api,
      restart: async (units) => new Promise((resolve) => setTimeout(() => resolve({ units: units.map((name) => ({ ...STATUS, name }) as never) }), 400)),
    }).server;
    await new Promise<void>((resolve) => slow.listen(slowSock, resolve));
    after(() => slow.close());
    const patient = new ControlClient(slowSock, dir, 0, 100);
    assert.equal((await patient.restart(['a'])).units.length, 1, 'a restart taking 4 timeouts, with the project answering meanwhile');
  });

  it('says a project is not running when nobody listens', async () => {
    const absent = new ControlClient(join(dir, 'none.sock'), '/some/project');
    await assert.rejects(
      absent.status(),
      (e: unknown) =>
        e instanceof ControlError && e.code === 'not-running' && e.message === 'no procs project is running in /some/project (no .procs/procs.sock)',
    );
  });
});

describe('the control listener (node:http taken at the first client)', () => {
  it('serves the API to each connection, then closes, ending its idle connections', async () => {
    const control = createControlListener(api);
    const path = join(dir, 'listener.sock');
    await new Promise<void>((resolve) => control.listener.listen(path, resolve));
    const c = new ControlClient(path, dir, 0);
    assert.deepEqual(await c.status(), STATUS);
    assert.deepEqual(await c.tail([]), { units: [] });
    // A kept-alive connection that got its answer is idle: close() ends it, and the listener closes.
    const idle = createConnection(path);
    await once(idle, 'connect');
    idle.write('GET /v1/tail HTTP/1.1\r\nhost: procs\r\nconnection: keep-alive\r\n\r\n');
    await once(idle, 'data');
    const closed = once(control.listener, 'close');
    control.close();
    await Promise.all([closed, once(idle, 'close')]);
    await assert.rejects(c.status(), (e: unknown) => e instanceof ControlError && e.code === 'not-running');
  });

  it('closes when no client ever came', async () => {
    const control = createControlListener(api);
    await new Promise<void>((resolve) => control.listener.listen(join(dir, 'unused.sock'), resolve));
    const closed = once(control.listener, 'close');
    control.close();
    await closed;
  });
});
