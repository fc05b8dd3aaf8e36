// Readiness a unit announces: `readiness: { notify: true }` and `watchdog`, through a real
// NOTIFY_SOCKET: systemd's own `systemd-notify` (Debian's systemd package) and a python3 fixture
// that sends datagrams (fixtures/bin/notify.py).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { waitUntil } from '../control/helpers.js';
import { assertClean, BIN, procs, readEvents, specProject } from '../helpers/cli.js';

const fixture = JSON.stringify(join(BIN, 'notify.py'));
const hasSystemdNotify = spawnSync('systemd-notify', ['--version']).status === 0;

interface Row {
  readonly name: string;
  readonly state: string;
  readonly status?: string | null;
  readonly health: { readonly readiness: string | null };
}

/** `procs ps --json` in `dir`: the unit named `name`. */
async function row(dir: string, name: string): Promise<Row | undefined> {
  const ps = procs(['ps', '--json'], { cwd: dir });
  assert.equal(await ps.exited, 0, ps.text());
  return (JSON.parse(ps.stdout.join('\n')) as { units: Row[] }).units.find((u) => u.name === name);
}

/** Polls `ps` until the unit's row satisfies `ok`; gives that row. */
async function rowWhen(dir: string, name: string, ok: (r: Row) => boolean, what: string): Promise<Row> {
  const deadline = Date.now() + 20_000;
  let last: Row | undefined;
  while (Date.now() < deadline) {
    last = await row(dir, name);
    if (last && ok(last)) return last;
  }
  throw new Error(`${what}: last row ${JSON.stringify(last)}`);
}

describe('notify readiness and watchdog', () => {
  it(
    'makes a unit ready only when systemd-notify --ready says so, and shows its status',
    { skip: !hasSystemdNotify && 'no systemd-notify (apt-get install systemd)' },
    async () => {
      const dir = specProject(`version: 1
processes:
  api:
    command: "sh -c 'while [ ! -e go ]; do sleep 0.02; done; systemd-notify --ready --status=\\"serving 3 clients\\" & exec sleep 60'"
    health:
      readiness: { notify: true }
  client:
    command: "echo client ran"
    depends_on: { api: healthy }
    restart: never
`);
      const run = procs(['up'], { cwd: dir });
      await run.waitFor(/api\s+\* started/);
      const before = await row(dir, 'api');
      assert.equal(before?.state, 'running');
      assert.equal(before?.health.readiness, 'pending');
      assert.ok(!run.stdout.some((l) => /ready/.test(l)), run.text());
      writeFileSync(join(dir, 'go'), '');
      await run.waitFor(/client\s+\| client ran/);
      const after = await row(dir, 'api');
      assert.equal(after?.state, 'ready');
      assert.equal(after?.status, 'serving 3 clients');
      const table = procs(['ps'], { cwd: dir });
      assert.equal(await table.exited, 0, table.text());
      assert.match(table.stdout.find((l) => l.startsWith('api')) ?? '', /ready, serving 3 clients/);
      const ev = readEvents(dir);
      const ready = ev.findIndex((e) => e.type === 'ready' && e.unit === 'api');
      assert.ok(ready >= 0 && ready < ev.findIndex((e) => e.type === 'spawn' && e.unit === 'client'));
      run.child.kill('SIGINT');
      assert.equal(await run.exited, 0);
      await assertClean(run);
      assert.ok(!existsSync(join(dir, '.procs', 'notify.sock')), 'the notify socket is removed');
    },
  );

  it('ignores a process outside the unit (and garbage), and shows STATUS and STOPPING=1 from its own', async () => {
    const dir = specProject(`version: 1
processes:
  api:
    command: ["python3", ${fixture}, "wait:go", "junk", "send:STATUS=own", "wait:go2", "send:STOPPING=1\\\\nSTATUS=bye"]
    health:
      readiness: { notify: true }
`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/api\s+\* started/);
    const socket = join(dir, '.procs', 'notify.sock');
    const foreign = spawnSync('python3', [
      '-c',
      'import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); ' +
        '[s.sendto(m, sys.argv[1]) for m in (b"READY=1\\nSTATUS=foreign", b"\\xff\\x00\\n=\\n\\n", b"STATUS=" + b"x" * 5000)]',
      socket,
    ]);
    assert.equal(foreign.status, 0, foreign.stderr.toString());
    // The helper passes messages on in order: once the unit's own status shows, the foreign one was read.
    writeFileSync(join(dir, 'go'), '');
    const own = await rowWhen(dir, 'api', (r) => r.status === 'own', 'the status the unit sent');
    assert.equal(own.state, 'running');
    assert.equal(own.health.readiness, 'pending');
    writeFileSync(join(dir, 'go2'), '');
    const stopping = await rowWhen(dir, 'api', (r) => r.status === 'bye', 'STOPPING=1 and its status');
    assert.equal(stopping.state, 'stopping');
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    await assertClean(run);
  });

  it('restarts a unit whose watchdog pings stop, as a liveness failure', async () => {
    const dir = specProject(`version: 1
processes:
  worker:
    command: ["python3", ${fixture}, "send:READY=1", "ping:3"]
    health:
      readiness: { notify: true }
    watchdog: 700ms
    restart: { policy: always, max_restarts: 1, backoff: { initial: 10ms } }
`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/worker\s+! unhealthy: no WATCHDOG=1 within 700ms/);
    await run.waitFor(/worker\s+\* restarted/);
    await run.waitFor(/worker\s+x failed: .*liveness/);
    const spawns = readEvents(dir).filter((e) => e.type === 'spawn' && e.unit === 'worker');
    assert.equal(spawns.length, 2);
    run.child.kill('SIGINT');
    await run.exited;
    await assertClean(run);
  });

  for (const helper of ['compiled', 'python'] as const) {
    it(`leaves nothing behind when procs is killed with SIGKILL (the ${helper} helper)`, async () => {
      const dir = specProject(`version: 1
processes:
  api:
    command: ["python3", ${fixture}, "send:READY=1"]
    health:
      readiness: { notify: true }
    watchdog: 1h
`);
      const run = procs(['up'], { cwd: dir, env: helper === 'python' ? { PROCS_NOTIFY_HELPER: 'python' } : {} });
      await run.waitFor(/api\s+\+ ready/);
      const socket = join(dir, '.procs', 'notify.sock');
      assert.ok(existsSync(socket));
      run.child.kill('SIGKILL');
      await assertClean(run);
      await waitUntil(() => !existsSync(socket), 5000, 'the notify socket to be removed');
    });
  }
});
