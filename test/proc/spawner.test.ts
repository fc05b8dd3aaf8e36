// The spawner (native/spawner.c through src/runtime/spawner.ts) with real processes: what a unit
// gets from it is what child_process.spawn gave — its own session, exactly its environment, its
// cwd and argv, default signal handling, no fd of procs or the spawner — and its exits, failures
// and death are reported as values. The last test kills the spawner: this file's process then
// starts units through Node, as procs does when the spawner is gone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHost } from '../../src/proc/create-host.js';
import { SPAWNER_BINARY } from '../../src/proc/spawner.js';
import { readProc } from '../../src/proc/procfs.js';
import { useProcessTracker, waitFor, within } from '../helpers/processes.js';
import { CollectingSink } from '../helpers/sink.js';
import { baseEnv, processUnit, sh } from '../helpers/units.js';

const host = createHost();

const tracker = useProcessTracker();
let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'procs-spawner-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

// A script file in the test folder, executable unless `mode` says otherwise.
function script(name: string, text: string, mode = 0o755): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

// Fields of /proc/PID/status as a map.
function status(pid: number): Map<string, string> {
  return new Map(
    readFileSync(`/proc/${pid}/status`, 'latin1')
      .split('\n')
      .map((l) => l.split(':\t') as [string, string]),
  );
}

// `PROCS_SPAWNER=node npm test` runs the whole suite without the spawner; these tests are about it.
describe('the spawner', { skip: process.env.PROCS_SPAWNER === 'node' ? 'PROCS_SPAWNER=node' : false }, () => {
  it('is built and used here', async () => {
    assert.equal(host.backend, 'spawner', 'dist/bin/procs-spawner is built (npm run build compiles it)');
    const u = tracker.add(host.spawnUnit(processUnit('first', sh('true')), new CollectingSink()));
    assert.equal((await u.exited).code, 0);
    assert.ok(host.spawnerPid() !== undefined, 'the spawner runs here');
  });

  it('gives a unit its argv, exactly its environment and its cwd', async () => {
    const sink = new CollectingSink();
    const cmd = { kind: 'exec' as const, file: 'sh', args: ['-c', 'echo "$0|$1|$2"; pwd; env | sort', 'zero', 'a b', 'ü\t$x'] };
    const u = tracker.add(
      host.spawnUnit(processUnit('argv', cmd, { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ONE: 'x y', EMPTY: '' } }), sink),
    );
    assert.equal((await u.exited).code, 0);
    await u.outputDone;
    const lines = sink.lines('argv', 'stdout');
    assert.equal(lines[0], 'zero|a b|ü\t$x');
    assert.equal(lines[1], dir);
    const env = lines.slice(2).filter((l) => !/^(PWD|SHLVL|_)=/.test(l));
    assert.deepEqual(env, ['EMPTY=', 'ONE=x y', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`]);
  });

  it('starts each unit as the leader of a session of its own, with default signal handling and only fds 0–2', async () => {
    const u = tracker.add(host.spawnUnit(processUnit('alone', { kind: 'exec', file: 'sleep', args: ['30'] }), new CollectingSink()));
    const pid = u.pid ?? 0;
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const [pgid, sid] = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(2, 4)
      .map(Number);
    assert.equal(pgid, pid);
    assert.equal(sid, pid);
    await waitFor(() => readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('sleep'), "sleep has exec'd");
    const st = status(pid);
    assert.equal(st.get('SigIgn'), '0000000000000000', 'no signal ignored (the spawner ignores SIGINT)');
    assert.equal(st.get('SigBlk'), '0000000000000000', 'no signal blocked (the spawner blocks SIGCHLD)');
    // sleep may hold a file for a moment as it starts (its locale); a leaked fd would stay.
    const fds = (): string => readdirSync(`/proc/${pid}/fd`).sort().join(' ');
    await waitFor(() => fds() === '0 1 2', `only fds 0–2 (has ${fds()})`, 5_000);
    assert.equal(readFileSync(`/proc/${pid}/fd/0`, 'latin1'), '', 'stdin is /dev/null');
    u.signal('SIGINT');
    assert.equal((await u.exited).signal, 'SIGINT');
  });

  it('a signal sent as soon as the pid is known reaches the unit (its session exists by then)', async () => {
    const units = Array.from({ length: 40 }, (_, i) =>
      host.spawnUnit(processUnit(`s${i}`, { kind: 'exec', file: 'sleep', args: ['30'] }), new CollectingSink()),
    );
    for (const u of units) u.signal('SIGINT');
    const exits = await within(Promise.all(units.map((u) => u.exited)), 20_000, 'every unit ends by SIGINT');
    assert.deepEqual(new Set(exits.map((e) => e.signal)), new Set(['SIGINT']));
  });

  it("finds a bare program on the unit's PATH, and tells not found (127) from not executable (126)", async () => {
    script('hello-from-path', '#!/bin/sh\necho found "$@"\n');
    script('not-executable', '#!/bin/sh\necho no\n', 0o644);
    const env = baseEnv({ PATH: `/nonexistent:${dir}:${process.env.PATH ?? '/usr/bin:/bin'}` });
    const sink = new CollectingSink();
    const ok = tracker.add(host.spawnUnit(processUnit('found', { kind: 'exec', file: 'hello-from-path', args: ['x'] }, { env }), sink));
    assert.equal((await ok.exited).code, 0);
    await ok.outputDone;
    assert.equal(sink.text('found', 'stdout'), 'found x\n');
    const missing = await host.spawnUnit(processUnit('missing', { kind: 'exec', file: 'no-such-program-xyz', args: [] }, { env }), sink).exited;
    assert.deepEqual([missing.status, missing.error], [127, 'command not found: no-such-program-xyz']);
    const denied = await host.spawnUnit(processUnit('denied', { kind: 'exec', file: join(dir, 'not-executable'), args: [] }, { env }), sink).exited;
    assert.deepEqual([denied.status, denied.error], [126, `permission denied: ${join(dir, 'not-executable')}`]);
  });

  it('reports an exec that fails after the fork (a missing interpreter) as a run that could not start', async () => {
    const path = script('bad-interpreter', '#!/nonexistent/interpreter\n');
    const u = host.spawnUnit(processUnit('interp', { kind: 'exec', file: path, args: [] }), new CollectingSink());
    const exit = await u.exited;
    await u.outputDone;
    assert.deepEqual([exit.status, exit.error, exit.code, exit.signal], [127, `command not found: ${path}`, null, null]);
  });

  it('reports exit codes and signals, and every exit of 200 units started at once', async () => {
    const sink = new CollectingSink();
    const units = Array.from({ length: 200 }, (_, i) =>
      tracker.add(host.spawnUnit(processUnit(`u${i}`, sh(i % 2 === 0 ? `echo ${i}; exit ${i % 7}` : `echo ${i}; kill -TERM $$`)), sink)),
    );
    const exits = await within(Promise.all(units.map((u) => u.exited)), 60_000, '200 exits');
    await Promise.all(units.map((u) => u.outputDone));
    exits.forEach((e, i) => {
      if (i % 2 === 0) assert.deepEqual([e.code, e.signal], [i % 7, null], `u${i}`);
      else assert.deepEqual([e.code, e.signal, e.status], [null, 'SIGTERM', 143], `u${i}`);
      assert.equal(sink.text(`u${i}`, 'stdout'), `${i}\n`);
    });
  });

  it('answers requests sent together in order: each unit gets its own pid, failures in between too', async () => {
    const sink = new CollectingSink();
    // Nothing reads a pid until every request is out: the answers wait in their pipe.
    const units = Array.from({ length: 60 }, (_, i) =>
      host.spawnUnit(processUnit(`o${i}`, i % 5 === 4 ? { kind: 'exec', file: `missing-${i}`, args: [] } : sh('echo $$')), sink),
    );
    for (const [i, u] of units.entries()) {
      const exit = await u.exited;
      await u.outputDone;
      if (i % 5 === 4) {
        assert.equal(u.pid, undefined);
        assert.equal(exit.error, `command not found: missing-${i}`);
      } else {
        assert.equal(exit.code, 0);
        assert.equal(sink.text(`o${i}`, 'stdout'), `${u.pid}\n`, `o${i} has its own pid`);
      }
    }
  });

  it('reads the answers through the event loop, not in the turn that asked: each unit learns its pid, in order', async () => {
    const sink = new CollectingSink();
    // Not tracked yet: that reads each pid.
    const units = Array.from({ length: 80 }, (_, i) => host.spawnUnit(processUnit(`a${i}`, sh('echo $$')), sink));
    const known: number[] = [];
    const all = new Promise<void>((resolve) =>
      units.forEach((u, i) =>
        u.whenStarted?.(() => {
          known.push(i);
          if (known.length === units.length) resolve();
        }),
      ),
    );
    // What the turn that sent the requests left to do (its microtasks) is done: no answer was waited for.
    await Promise.resolve();
    const early = known.length;
    await within(all, 30_000, 'every answer');
    for (const u of units) tracker.add(u);
    assert.equal(early, 0, 'no pid was waited for in the turn that asked');
    assert.deepEqual(
      known,
      units.map((_, i) => i),
      'in the order asked',
    );
    for (const [i, u] of units.entries()) {
      assert.equal((await u.exited).code, 0);
      await u.outputDone;
      assert.equal(sink.text(`a${i}`, 'stdout'), `${u.pid}\n`, `a${i} has its own pid`);
    }
  });

  it('on its own: ends the units it started when procs goes away in the middle of a request', async () => {
    const sp = spawn(SPAWNER_BINARY, [], { detached: true, stdio: ['pipe', 'pipe', 'ignore', 'pipe'] });
    const replies = sp.stdio[3] as Readable;
    let text = '';
    replies.setEncoding('latin1');
    replies.on('data', (d: string) => {
      text += d;
    });
    sp.stdout?.resume();
    const exited = new Promise<number | null>((resolve) => sp.once('exit', (code) => resolve(code)));
    await waitFor(() => text === 'R\n', 'the hello');
    const body = ['sleep', 'sleep', dir, '1', '600', '1', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, '', '2', '/dev/null', '/dev/null'].join('\0') + '\0';
    sp.stdin?.write(`S ${Buffer.byteLength(body)}\n${body}`);
    await waitFor(() => /^R\nP \d+\n$/.test(text), 'the pid');
    const pid = Number(/P (\d+)/.exec(text)?.[1]);
    assert.equal(readProc(pid)?.pgid, pid);
    // A request cut short, then end-of-file: procs was killed while writing it.
    sp.stdin?.end('S 1000\nsleep\0');
    try {
      assert.equal(await within(exited, 10_000, 'the spawner exits'), 0);
      await waitFor(() => readProc(pid) === undefined || readProc(pid)?.state === 'Z', 'the unit is gone', 10_000);
    } finally {
      if (readProc(pid) !== undefined) process.kill(pid, 'SIGKILL');
    }
  });

  it('when the spawner dies, ends the units it started as killed, and later units start through Node', async () => {
    const u = tracker.add(host.spawnUnit(processUnit('orphaned', { kind: 'exec', file: 'sleep', args: ['30'] }), new CollectingSink()));
    const pid = u.pid ?? 0;
    assert.equal(readProc(pid)?.ppid, host.spawnerPid(), "the unit is the spawner's child");
    process.kill(host.spawnerPid() ?? 0, 'SIGKILL');
    const exit = await within(u.exited, 10_000, 'the exit of a unit whose spawner died');
    assert.equal(exit.signal, 'SIGKILL');
    await waitFor(() => readProc(pid) === undefined || readProc(pid)?.state === 'Z', 'the unit is gone');
    assert.equal(host.spawnerPid(), undefined);
    const sink = new CollectingSink();
    const next = tracker.add(host.spawnUnit(processUnit('next', sh('echo still here')), sink));
    assert.equal((await next.exited).code, 0);
    await next.outputDone;
    assert.equal(sink.text('next', 'stdout'), 'still here\n');
  });
});
