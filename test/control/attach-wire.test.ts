// `attach` over the control socket: the HTTP server's upgrade and the client, on a real Unix
// socket in front of a project's registry of inputs (fake ones): refusals as control errors,
// output and notices to the client, keystrokes and sizes to the unit, two clients at once, a
// client sending broken frames let go alone, a client that does not read dropped from rather
// than waited for.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ControlError, type AttachNotice, type ControlApi } from '../../src/control/api.js';
import { ControlClient } from '../../src/control/client.js';
import { encodeFrame, FRAME, FrameReader } from '../../src/control/frames.js';
import { createControlServer } from '../../src/control/server.js';
import { exitCodeOf } from '../../src/app/exit-codes.js';
import { LiveOutput } from '../../src/app/live.js';
import { Terminals } from '../../src/app/terminals.js';
import { FakeInput } from '../helpers/fake-input.js';
import { waitFor } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'procs-attach-'));
const sock = join(dir, 's.sock');
const input = new FakeInput(true, 'py> ');
const terminals = new Terminals({ state: (u) => (u === 'py' ? 'running' : undefined), inputOf: () => 'none', live: new LiveOutput(), recentLines: () => '' });
terminals.hooks.started('py', input);

const api = {
  attach(unit, client, size) {
    if (unit !== 'py') {
      const ready = Promise.reject(new ControlError('unknown-unit', `no unit named '${unit}'; did you mean 'py'?`));
      ready.catch(() => undefined);
      return { ready, ended: Promise.resolve(), write: () => undefined, resize: () => undefined, close: () => undefined };
    }
    let end!: () => void;
    const ended = new Promise<void>((r) => (end = r));
    const { attached, attachment } = terminals.attach(unit, client, size, () => end());
    return {
      ready: Promise.resolve(attached),
      ended,
      write: (d) => attachment.write(d),
      resize: (s) => attachment.resize(s),
      close: () => {
        attachment.detach();
        end();
      },
    };
  },
} as Partial<ControlApi> as ControlApi;

let server: Server;
const client = new ControlClient(sock, dir, 0);
before(async () => {
  server = createControlServer(api).server;
  await new Promise<void>((r) => server.listen(sock, r));
});
after(async () => {
  terminals.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** An attached client collecting its output and notices. */
function watcher(): { text: () => string; notices: AttachNotice[]; sink: { output(b: Buffer): void; notice(n: AttachNotice): void } } {
  let text = '';
  const notices: AttachNotice[] = [];
  return { text: () => text, notices, sink: { output: (b) => void (text += b.toString()), notice: (n) => void notices.push(n) } };
}

/** A raw connection that upgrades and then does what the test says. */
async function rawAttach(): Promise<{ socket: Socket; received: () => number; frames: () => { type: number; payload: Buffer }[] }> {
  const socket = connect(sock);
  await new Promise<void>((r) => socket.once('connect', r));
  socket.write('GET /v1/attach?unit=py HTTP/1.1\r\nHost: procs\r\nConnection: Upgrade\r\nUpgrade: procs-attach\r\n\r\n');
  let head = Buffer.alloc(0);
  let received = 0;
  const reader = new FrameReader([FRAME.output, FRAME.notice]);
  const frames: { type: number; payload: Buffer }[] = [];
  await new Promise<void>((resolve) => {
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      assert.match(head.toString('latin1', 0, end), /^HTTP\/1\.1 101 /);
      socket.off('data', onData);
      socket.on('data', (c: Buffer) => {
        received += c.length;
        frames.push(...reader.push(c));
      });
      frames.push(...reader.push(head.subarray(end + 4)));
      resolve();
    };
    socket.on('data', onData);
  });
  return { socket, received: () => received, frames: () => frames };
}

describe('attach over the control socket', () => {
  it('refuses an unknown unit as other requests do (exit code 2, with the suggestion)', async () => {
    const s = client.attach('pyy', watcher().sink);
    await assert.rejects(
      s.ready,
      (e: unknown) => e instanceof ControlError && e.code === 'unknown-unit' && /did you mean 'py'/.test(e.message) && exitCodeOf(e) === 2,
    );
  });

  it('answers a plain GET of the attach path with a bad request naming the upgrade', async () => {
    const s = connect(sock);
    s.write('GET /v1/attach?unit=py HTTP/1.0\r\n\r\n');
    let text = '';
    s.on('data', (c: Buffer) => (text += c.toString()));
    await new Promise((r) => s.once('close', r));
    assert.match(text, /^HTTP\/1\.1 400 /);
    assert.match(text, /upgrade: procs-attach/);
  });

  it('refuses an upgrade with a bad window size or no unit, and one to another protocol', async () => {
    const answer = async (target: string, upgrade = 'procs-attach'): Promise<string> => {
      const s = connect(sock);
      s.write(`GET ${target} HTTP/1.1\r\nHost: procs\r\nConnection: Upgrade\r\nUpgrade: ${upgrade}\r\n\r\n`);
      let text = '';
      s.on('data', (c: Buffer) => (text += c.toString()));
      await new Promise((r) => s.once('close', r));
      return text;
    };
    assert.match(await answer('/v1/attach?unit=py&cols=0&rows=10'), /^HTTP\/1\.1 400 [^]*cols and rows must be whole numbers/);
    assert.match(await answer('/v1/attach'), /^HTTP\/1\.1 400 [^]*attach needs unit=NAME/);
    assert.match(await answer('/v1/attach?unit=py', 'websocket'), /^HTTP\/1\.1 400 [^]*upgrades to procs-attach only/);
    assert.match(await answer('/v1/status'), /^HTTP\/1\.1 400 [^]*no such request/);
  });

  it('replays recent output, then carries output, keystrokes and sizes both ways until detached', async () => {
    const a = watcher();
    const b = watcher();
    const sa = client.attach('py', a.sink, { cols: 100, rows: 30 });
    const attached = await sa.ready;
    assert.deepEqual(attached, { type: 'attached', unit: 'py', input: 'tty', state: 'running', size: { cols: 100, rows: 30 } });
    const sb = client.attach('py', b.sink);
    await sb.ready;
    await waitFor(() => a.text() === 'py> ' && b.text() === 'py> ', 'the replay', 5000);
    input.emit('2\r\npy> ');
    await waitFor(() => a.text().endsWith('2\r\npy> ') && b.text().endsWith('2\r\npy> '), 'output to both clients', 5000);
    sa.write(Buffer.from('1+1\r'));
    sb.write(Buffer.from('\x03'));
    await waitFor(() => input.written.join('') === '1+1\r\x03', 'keystrokes from both clients', 5000);
    sb.resize({ cols: 77, rows: 22 });
    await waitFor(() => input.sizes.some((s) => s.cols === 77 && s.rows === 22), 'the resize', 5000);
    sa.close();
    sb.close();
    await Promise.all([sa.ended, sb.ended]);
    await waitFor(() => input.listeners === 0, 'the server letting both go', 5000);
  });

  it('lets a client that sends a broken frame go, alone', async () => {
    const good = watcher();
    const s = client.attach('py', good.sink);
    await s.ready;
    const bad = await rawAttach();
    const closed = new Promise((r) => bad.socket.once('close', r));
    bad.socket.write(Buffer.from([0x7f, 0, 0, 0, 1, 0]));
    await closed;
    input.emit('still here');
    await waitFor(() => good.text().endsWith('still here'), 'output to the other client', 5000);
    s.close();
    await s.ended;
  });

  it('drops output for a client that does not read, and says how much once it reads again', async () => {
    const slow = await rawAttach();
    slow.socket.pause();
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 320; i++) input.emit(chunk); // 20 MiB
    slow.socket.resume();
    await waitFor(() => slow.frames().some((f) => f.type === FRAME.notice && f.payload.toString().includes('"dropped"')), 'the dropped notice', 10_000);
    const dropped = slow.frames().find((f) => f.type === FRAME.notice && f.payload.toString().includes('"dropped"'));
    const bytes = (JSON.parse(dropped?.payload.toString() ?? '{}') as { bytes: number }).bytes;
    assert.ok(bytes > 15 * 1024 * 1024, `most of the output was dropped (${bytes} bytes)`);
    assert.ok(slow.received() < 4 * 1024 * 1024, `the slow client got a bounded part (${slow.received()} bytes)`);
    slow.socket.write(encodeFrame(FRAME.detach));
    await new Promise((r) => slow.socket.once('close', r));
  });
});
