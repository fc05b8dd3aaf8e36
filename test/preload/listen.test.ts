// The preload `procs/listen` in real processes: a plain HTTP server (fixtures/bin/listen-app.js)
// takes the listening socket it inherits — from systemd-socket-activate, or from a holder process
// (fixtures/bin/listen-holder.js) that passes it as fd 3 with PROCS_LISTEN — drains it on SIGTERM,
// and is left alone without the variables or with a SIGTERM handler of its own.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { LISTEN_PRELOAD, packageFile } from '../../src/self.js';
import { freePort } from '../helpers/cli.js';
import { killAllOf, waitFor } from '../helpers/processes.js';
import { fixture } from '../helpers/units.js';

const NODE = process.execPath;
const APP = fixture('listen-app.js');
const HOLDER = fixture('listen-holder.js');

/** A started process (the leader of its own group) and the lines it writes. */
class Run {
  readonly lines: string[] = [];
  private readonly waiters = new Set<() => void>();
  private done = false;
  /** Resolves when the process has ended and its output is read. */
  readonly ended: Promise<void>;

  constructor(readonly child: ChildProcess) {
    this.ended = new Promise((resolve) => child.once('close', () => resolve()));
    let rest = '';
    const read = (chunk: Buffer): void => {
      rest += chunk.toString('utf8');
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const w of this.waiters) w();
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('close', () => {
      this.done = true;
      for (const w of this.waiters) w();
    });
  }

  /** The first line matching `re`, waiting for it; rejects when the process ends without one. */
  line(re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`timed out waiting for ${re}; lines: ${this.lines.join(' | ')}`)), timeoutMs);
      const finish = (err?: Error, m?: RegExpMatchArray): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (m !== undefined) resolve(m);
        else reject(err ?? new Error('no match'));
      };
      const check = (): void => {
        for (const l of this.lines) {
          const m = re.exec(l);
          if (m !== null) return finish(undefined, m);
        }
        if (this.done) finish(new Error(`ended without ${re}; lines: ${this.lines.join(' | ')}`));
      };
      this.waiters.add(check);
      check();
    });
  }
}

/** Starts FILE ARGS in a group of its own, killed whole after the test. */
function start(t: TestContext, file: string, args: string[], env: Record<string, string>, cwd?: string): Run {
  const child = spawn(file, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, detached: true, stdio: 'pipe', cwd });
  const pgid = child.pid;
  assert.ok(pgid !== undefined, `${file} started`);
  t.after(() => killAllOf({ pgids: [pgid] }));
  return new Run(child);
}

/** The holder, running `node PRELOAD_ARGS listen-app.js PORT` with the socket as fd 3; gives its port. */
async function holder(t: TestContext, env: Record<string, string>, preload = ['--require', LISTEN_PRELOAD], command?: string[]) {
  const run = start(t, NODE, [HOLDER, ...(command ?? [NODE, ...preload, APP, '{port}'])], env, packageFile(''));
  const port = Number((await run.line(/^holder (\d+)$/))[1]);
  return { run, port };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET http://127.0.0.1:PORT/PATH on a connection of its own; `connected` resolves once TCP is up. */
function get(port: number, path: string): { connected: Promise<void>; reply: Promise<Reply> } {
  let connected!: (value: void) => void;
  const up = new Promise<void>((r) => (connected = r));
  const reply = new Promise<Reply>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('socket', (s: Socket) => s.once('connect', () => connected()));
    req.on('error', reject);
    req.end();
  });
  return { connected: up, reply };
}

interface Info {
  pid: number;
  port: number;
  listenFds: string | null;
  listenPid: string | null;
  sigterm: number;
}
const info = async (port: number): Promise<Info> => JSON.parse((await get(port, '/').reply).body) as Info;

test('under systemd-socket-activate, the server answers on the socket it was given and the variables are gone', async (t) => {
  const port = await freePort();
  const run = start(t, 'systemd-socket-activate', ['-l', `127.0.0.1:${port}`, '--fdname=web', NODE, '--require', LISTEN_PRELOAD, APP, String(port)], {});
  await run.line(/Listening on/);
  // The first connection starts the program, which listens on the port itself: without the
  // preload that is EADDRINUSE.
  const seen = await info(port);
  assert.equal(seen.port, port);
  assert.equal(seen.listenFds, null, 'LISTEN_FDS is removed, as sd_listen_fds(1) does');
  assert.equal(seen.listenPid, null);
  assert.equal(seen.sigterm, 1, 'the drain handler is armed');
  await run.line(new RegExp(`^listening ${port} ${seen.pid}$`));
});

test('through a wrapper, PROCS_LISTEN gives the socket; the port is taken once, port 0 is left alone', async (t) => {
  const script = `${JSON.stringify(NODE)} --require ${JSON.stringify(LISTEN_PRELOAD)} ${JSON.stringify(APP)} "$1"; exit 0`;
  const { run, port } = await holder(t, { SECOND: '1' }, [], ['/bin/sh', '-c', script, 'sh', '{port}']);
  const pid = Number((await run.line(new RegExp(`^listening ${port} (\\d+)$`)))[1]);
  const seen = await info(port);
  assert.equal(seen.pid, pid);
  assert.equal(seen.listenFds, '1', 'LISTEN_FDS names another process: left for it');
  await run.line(/^second EADDRINUSE$/);
  const zero = Number((await run.line(/^zero (\d+)$/))[1]);
  assert.ok(zero > 0 && zero !== port, `listen(0) got a port of its own (${zero})`);
});

test('every form of listen() takes the socket, through --require and --import of procs/listen', async (t) => {
  const cases: [string, string[]][] = [
    ['port', ['--require', 'procs/listen']],
    ['host', ['--import', 'procs/listen']],
    ['string', ['--import', LISTEN_PRELOAD]],
    ['options', ['--require', LISTEN_PRELOAD]],
    ['callback', ['--require', LISTEN_PRELOAD]],
  ];
  for (const [form, preload] of cases) {
    const { run, port } = await holder(t, { LISTEN_FORM: form }, preload);
    const pid = Number((await run.line(new RegExp(`^listening ${port} (\\d+)$`)))[1]);
    if (form === 'callback') await run.line(/^callback$/);
    assert.equal((await info(port)).pid, pid, form);
    process.kill(pid, 'SIGTERM');
    await run.line(/^exit null SIGTERM$/);
  }
});

test('without the variables, or with LISTEN_PID naming another process, nothing is taken', async (t) => {
  for (const vars of ['none', 'systemd-other']) {
    const { run } = await holder(t, { HOLDER_VARS: vars });
    await run.line(/^error EADDRINUSE$/);
    await run.line(/^exit 1 null$/);
  }
  // A server on a port that was not inherited: no signal handler, as without the preload.
  const envs: Record<string, string>[] = [{}, { PROCS_LISTEN: '3=127.0.0.1:1' }];
  for (const env of envs) {
    const port = await freePort();
    const run = start(t, NODE, ['--require', LISTEN_PRELOAD, APP, String(port)], env);
    await run.line(/^listening /);
    assert.equal((await info(port)).sigterm, 0);
    run.child.kill('SIGTERM');
    await run.ended;
    assert.equal(run.child.signalCode, 'SIGTERM');
  }
});

test('on SIGTERM the server finishes its request, leaves new connections to the next one, and ends by SIGTERM', async (t) => {
  const { run, port } = await holder(t, { HOLDER_RUNS: '2' });
  const first = Number((await run.line(new RegExp(`^listening ${port} (\\d+)$`)))[1]);
  const socket = readlinkSync(`/proc/${first}/fd/3`);
  assert.match(socket, /^socket:/);
  // An idle keep-alive connection: the server closes it once the drain has begun.
  const agent = new Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  const idle = await new Promise<Socket>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(req.socket as Socket));
    });
    req.on('error', reject);
    req.end();
  });
  const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
  const slow = get(port, '/slow');
  await run.line(new RegExp(`^slow ${first}$`));
  process.kill(first, 'SIGTERM');
  // It stops accepting: the socket is closed in the server (the holder still has it).
  await waitFor(() => {
    try {
      return readlinkSync(`/proc/${first}/fd/3`) !== socket;
    } catch {
      return true;
    }
  }, 'the server to stop accepting');
  const queued = get(port, '/');
  await queued.connected;
  await idleClosed;
  run.child.stdin?.write('go\n');
  const answered = await slow.reply;
  assert.equal(answered.status, 200);
  assert.equal(answered.body, 'done\n');
  assert.equal(answered.headers.connection, 'close');
  await run.line(/^exit null SIGTERM$/);
  // The next server, on the same socket, takes the connection that waited in the queue.
  const second = Number((await run.line(new RegExp(`^listening ${port} (?!${first}$)(\\d+)$`)))[1]);
  const reply = await queued.reply;
  assert.equal((JSON.parse(reply.body) as Info).pid, second);
  process.kill(second, 'SIGTERM');
  await run.ended;
  assert.equal(run.lines.filter((l) => l === 'exit null SIGTERM').length, 2, run.lines.join(' | '));
});

test('an app with its own SIGTERM handler keeps it: the preload does nothing then', async (t) => {
  const { run, port } = await holder(t, { OWN_SIGTERM: '1' });
  const pid = Number((await run.line(new RegExp(`^listening ${port} (\\d+)$`)))[1]);
  assert.equal((await info(port)).sigterm, 2);
  process.kill(pid, 'SIGTERM');
  await run.line(/^app SIGTERM listening=true$/);
  await run.line(/^exit 7 null$/);
});
