// Health checks end to end: real probes (http, tcp, exec, log) against real fixture servers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertClean, BIN, freePort, procs, readEvents, specProject } from '../helpers/cli.js';

const NODE = JSON.stringify(process.execPath);
const bin = (name: string): string => JSON.stringify(join(BIN, name));
const spec = specProject;

function indexOf(events: ReturnType<typeof readEvents>, pred: (e: ReturnType<typeof readEvents>[number]) => boolean): number {
  const i = events.findIndex(pred);
  assert.ok(i >= 0, `event not found in:\n${events.map((e) => JSON.stringify(e)).join('\n')}`);
  return i;
}

describe('health checks', () => {
  it('starts a `healthy` dependent only once the http readiness probe passes', async () => {
    const port = await freePort();
    const dir = spec(`version: 1
processes:
  web:
    command: [${NODE}, ${bin('http-server.js')}, "${port}"]
    health:
      readiness: { http: "http://127.0.0.1:${port}/health", interval: 100ms, initial_delay: 0s }
  client:
    command: "echo client ran"
    depends_on: { web: healthy }
    restart: never
`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/client\s+\| client ran/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    const ev = readEvents(dir);
    assert.ok(indexOf(ev, (e) => e.type === 'ready' && e.unit === 'web') < indexOf(ev, (e) => e.type === 'spawn' && e.unit === 'client'));
    await assertClean(run);
  });

  it('passes tcp and log readiness probes', async () => {
    const port = await freePort();
    const dir = spec(`version: 1
processes:
  tcp:
    command: [${NODE}, ${bin('http-server.js')}, "${port}"]
    health: { readiness: { tcp: "127.0.0.1:${port}", interval: 100ms } }
  logged:
    command: [${NODE}, ${bin('hang.js')}]
    health: { readiness: { log: "^rea.y$" } }
  after:
    command: "echo both ready"
    depends_on: { tcp: healthy, logged: healthy }
    restart: never
`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/after\s+\| both ready/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    const ev = readEvents(dir);
    assert.ok(ev.some((e) => e.type === 'ready' && e.unit === 'tcp'));
    assert.ok(ev.some((e) => e.type === 'ready' && e.unit === 'logged'));
    await assertClean(run);
  });

  it('restarts a unit frozen with SIGSTOP once its liveness probe fails', async () => {
    const port = await freePort();
    const dir = spec(`version: 1
processes:
  web:
    command: [${NODE}, ${bin('http-server.js')}, "${port}"]
    health:
      liveness: { http: "http://127.0.0.1:${port}/health", initial_delay: 1s, interval: 100ms, timeout: 300ms, failure_threshold: 2 }
    stop: { timeout: 1s }
    restart: { backoff: { initial: 10ms } }
`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/web\s+\| listening/);
    // The pid of the run that is listening now: the last spawn of web, from the terminal (the
    // events file is written behind and may not have it yet).
    const spawns = run.stdout.filter((l) => /web\s+\S+ (started|restarted) \(pid \d+\)/.test(l));
    const pid = Number(/\(pid (\d+)\)/.exec(spawns.at(-1) ?? '')?.[1]);
    const before = spawns.length;
    process.kill(pid, 'SIGSTOP');
    await run.waitFor(new RegExp(`web\\s+\\S+ restarted \\(pid (?!${pid}\\))\\d+\\)`), 30_000);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    const ev = readEvents(dir);
    assert.ok(ev.some((e) => e.type === 'unhealthy' && e.unit === 'web'));
    assert.ok(ev.filter((e) => e.type === 'spawn' && e.unit === 'web').length > before, 'web was not restarted');
    await assertClean(run);
  });

  it('kills an exec probe that outlives its timeout, leaving nothing behind', async () => {
    const dir = spec(`version: 1
processes:
  slow:
    command: [${NODE}, ${bin('hang.js')}]
    health:
      readiness: { exec: "sleep 30", interval: 100ms, timeout: 200ms }
`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/slow\s+\| ready/);
    // Two probe rounds: each `sleep 30` must have been killed at its timeout.
    await new Promise((r) => setTimeout(r, 700));
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    assert.ok(!readEvents(dir).some((e) => e.type === 'ready'));
    await assertClean(run, 1000);
  });
});
