// What arrives on the control socket cannot bring a project down: a malformed request line,
// a body that is not JSON or is too large, an unknown method, bad headers, a client that hangs
// up halfway, or bytes that are not HTTP each get an answer (or a closed connection), and the
// daemon and a foreground `up` go on with every unit as it was.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAIN, taggedProcesses } from '../helpers/cli.js';
import { alive, NODE, psJson, tempProject, waitUntil, type Proj } from '../control/helpers.js';

const HANG = "console.log('up'); setInterval(() => {}, 1 << 30);\n";
const SPEC = `version: 1\nprocesses:\n  web:\n    command: [${NODE}, hang.js]\n  api:\n    command: [${NODE}, hang.js]\n`;
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

/** Sends raw bytes to the socket; resolves with what came back before the connection closed. */
function raw(sock: string, bytes: string | Buffer, opts: { hangUp?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(sock);
    let got = '';
    s.on('connect', () => {
      s.write(bytes);
      if (opts.hangUp) s.destroy();
    });
    s.on('data', (d: Buffer) => (got += d.toString('utf8')));
    s.on('error', () => undefined);
    s.on('close', () => resolve(got));
  });
}

/** The status code of a raw answer. */
function statusOf(answer: string): number | undefined {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
  return m ? Number(m[1]) : undefined;
}

const BAD: readonly { name: string; bytes: string | Buffer; status?: number; hangUp?: boolean }[] = [
  { name: 'a request target that is not a URL', bytes: 'GET //[ HTTP/1.1\r\nHost: procs\r\nConnection: close\r\n\r\n', status: 400 },
  { name: 'a target with a host in it', bytes: 'GET //evil/v1/status HTTP/1.1\r\nHost: procs\r\nConnection: close\r\n\r\n', status: 400 },
  { name: 'a target that is not a path', bytes: 'GET * HTTP/1.1\r\nHost: procs\r\nConnection: close\r\n\r\n', status: 400 },
  { name: 'a body that is not JSON', bytes: 'POST /v1/stop HTTP/1.1\r\nHost: procs\r\nConnection: close\r\nContent-Length: 5\r\n\r\n{nope', status: 400 },
  {
    name: 'a JSON body that is not an object',
    bytes: 'POST /v1/stop HTTP/1.1\r\nHost: procs\r\nConnection: close\r\nContent-Length: 4\r\n\r\nnull',
    status: 400,
  },
  {
    name: 'a body said to be too large',
    bytes: 'POST /v1/reload HTTP/1.1\r\nHost: procs\r\nConnection: close\r\nContent-Length: 2000000\r\n\r\n{',
    status: 413,
  },
  {
    name: 'a chunked body that grows too large',
    bytes: `POST /v1/reload HTTP/1.1\r\nHost: procs\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n${'100000\r\n' + 'x'.repeat(0x100000) + '\r\n'}${'10\r\n' + 'x'.repeat(16) + '\r\n'}0\r\n\r\n`,
    status: 413,
  },
  { name: 'an unknown method', bytes: 'BREW /v1/status HTTP/1.1\r\nHost: procs\r\nConnection: close\r\n\r\n', status: 400 },
  { name: 'an unknown route', bytes: 'DELETE /v1/units HTTP/1.1\r\nHost: procs\r\nConnection: close\r\n\r\n', status: 400 },
  { name: 'a bad header', bytes: 'GET /v1/status HTTP/1.1\r\nHost procs\r\nx: \u0000\r\n\r\n', status: 400 },
  { name: 'a bad lines parameter', bytes: 'GET /v1/tail?lines=-1 HTTP/1.1\r\nHost: procs\r\nConnection: close\r\n\r\n', status: 400 },
  { name: 'bad percent-encoding', bytes: 'GET /v1/logs?unit=%E0%A4%A HTTP/1.1\r\nHost: procs\r\nConnection: close\r\n\r\n' },
  { name: 'a line that is not HTTP', bytes: 'hello there\r\n\r\n', status: 400 },
  { name: 'binary noise', bytes: Buffer.from([0, 255, 1, 254, 13, 10, 13, 10]), status: 400 },
  {
    name: 'a client that hangs up halfway through a body',
    bytes: 'POST /v1/stop HTTP/1.1\r\nHost: procs\r\nConnection: close\r\nContent-Length: 100\r\n\r\n{"units":',
    hangUp: true,
  },
  { name: 'a client that hangs up before the answer', bytes: 'GET /v1/status HTTP/1.1\r\nHost: procs\r\nConnection: close\r\n\r\n', hangUp: true },
];

/** Sends every bad request; asserts each status. */
async function sendAll(sock: string): Promise<void> {
  for (const bad of BAD) {
    const answer = await raw(sock, bad.bytes, bad.hangUp ? { hangUp: true } : {});
    if (bad.status !== undefined) assert.equal(statusOf(answer), bad.status, `${bad.name}: ${answer.slice(0, 300)}`);
  }
}

describe('the control socket under bad requests', () => {
  it('answers each one and the daemon and its units go on', async () => {
    const p = tempProject({ 'procs.yaml': SPEC, 'hang.js': HANG });
    projects.push(p);
    assert.equal((await p.run(['up', '-d'])).code, 0);
    const before = await psJson(p);
    await sendAll(join(p.dir, '.procs/procs.sock'));
    const afterward = await psJson(p);
    assert.deepEqual(
      afterward.units.map((u) => [u.name, u.state, u.pid]),
      before.units.map((u) => [u.name, u.state, u.pid]),
    );
    assert.ok(before.units.every((u) => u.pid !== null && alive(u.pid)));
    assert.equal((await p.run(['down'])).code, 0);
  });

  it('leaves a foreground up running as well', async () => {
    const p = tempProject({ 'procs.yaml': SPEC, 'hang.js': HANG });
    projects.push(p);
    const child = spawn(process.execPath, [MAIN, 'up'], { cwd: p.dir, env: { ...process.env, PROCS_TEST_TAG: p.tag, NO_COLOR: '1' }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const sock = join(p.dir, '.procs/procs.sock');
    await waitUntil(() => existsSync(sock), 20_000, 'the socket');
    const before = await psJson(p);
    await sendAll(sock);
    const afterward = await psJson(p);
    assert.deepEqual(
      afterward.units.map((u) => [u.name, u.state, u.pid]),
      before.units.map((u) => [u.name, u.state, u.pid]),
    );
    assert.equal((await p.run(['down'])).code, 0);
    assert.equal(await exited, 0);
    assert.deepEqual(taggedProcesses(p.tag), []);
  });
});
