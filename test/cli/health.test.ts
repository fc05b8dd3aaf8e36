// Health checks end to end: real probes (http, tcp, exec, log) against real fixture servers.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { alive, psJson, tempProject, waitUntil, type Proj } from '../control/helpers.js';
import { assertClean, BIN, freePort, procs, readEvents, specProject } from '../helpers/cli.js';

const NODE = JSON.stringify(process.execPath);
const bin = (name: string): string => JSON.stringify(join(BIN, name));
const spec = specProject;

const projects: Proj[] = [];
const servers: Server[] = [];
after(async () => {
  for (const s of servers) s.closeAllConnections();
  servers.forEach((s) => s.close());
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

/** Listens on 127.0.0.1 at a free port, closed after the file's tests; gives the port. */
async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** The live (not zombie) members of process group `pgid`. */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [state = '', , group = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(group) === pgid && state !== 'Z' && state !== 'X';
      } catch {
        return false;
      }
    });
}

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

  it('kills an exec probe that outlives its timeout, and its whole group, at the timeout', async () => {
    // The probe leads a group of its own: a shell that ignores SIGTERM and waits for a background
    // `sleep 30`, having written its pid (the group's id). Its one failure (its timeout) makes the
    // unit unhealthy; by the time procs says so, the whole group must be gone (or dying), not
    // 30 seconds later and not at the next probe.
    const dir = spec(`version: 1
processes:
  slow:
    command: [${NODE}, ${bin('hang.js')}]
    restart: never
    health:
      liveness: { exec: "trap '' TERM; sleep 30 & echo $$$$ > probe.pid; wait", initial_delay: 0s, interval: 10s, timeout: 1s, failure_threshold: 1 }
`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/slow\s+.*liveness probe failed 1 times: no answer within 1000ms/, 20_000);
    const file = join(dir, 'probe.pid');
    assert.ok(existsSync(file), 'the probe never started');
    const group = Number(readFileSync(file, 'utf8').trim());
    await waitUntil(() => groupMembers(group).length === 0, 500, `the probe's group ${group} (${groupMembers(group).join(', ')}) to be gone`);
    run.child.kill('SIGINT');
    await run.exited;
    await assertClean(run, 1000);
  });

  it('never reports ready a unit whose process has exited, even if its probe target answers', async () => {
    // The probe reaches a server of the test's (as it would reach another copy of the unit); the
    // server answers only once the unit's process is gone. A child that ignores SIGTERM keeps
    // the unit's group busy for the stop timeout, so the unit has not ended when the answer comes.
    const held: ServerResponse[] = [];
    let dir = '';
    const server = createServer((_req, res) => {
      held.push(res);
      writeFileSync(join(dir, 'asked'), ''); // the unit exits once its probe has asked
    });
    const port = await listen(server);
    dir = spec(`version: 1
processes:
  api:
    command: "trap '' TERM; sleep 30 & while [ ! -e asked ]; do sleep 0.02; done; exit 1"
    restart: never
    stop: { timeout: 3s }
    health:
      readiness: { http: "http://127.0.0.1:${port}/health", interval: 100ms, timeout: 10s }
`);
    const run = procs(['up'], { cwd: dir });
    const pid = Number(/\(pid (\d+)\)/.exec(await run.waitFor(/api\s+\S+ started \(pid \d+\)/))?.[1]);
    await waitUntil(() => held.length > 0 && !alive(pid), 20_000, 'a probe request and the exit of the unit');
    for (const res of held.splice(0)) res.writeHead(200).end('ok\n');
    await run.waitFor(/api\s+\S+ failed/);
    run.child.kill('SIGINT');
    await run.exited;
    server.closeAllConnections();
    const ev = readEvents(dir);
    assert.ok(!ev.some((e) => e.type === 'ready'), `an exited unit was reported ready:\n${run.text()}`);
    assert.ok(ev.some((e) => e.type === 'exit' && e.unit === 'api' && e.state === 'failed'));
    await assertClean(run);
  });

  it('matches a log probe in linear time: a catastrophic pattern neither freezes procs nor passes early', async () => {
    const script = "process.stdout.write('a'.repeat(50000) + 'b\\n'); setTimeout(() => process.stdout.write('aaaa\\n'), 50); setInterval(() => {}, 1e9)";
    const dir = spec(`version: 1
processes:
  logged:
    command: [${NODE}, "-e", ${JSON.stringify(script)}]
    health: { readiness: { log: "^(a+)+$" } }
  after:
    command: "echo logged is ready"
    depends_on: { logged: healthy }
    restart: never
`);
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/after\s+\| logged is ready/, 20_000);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    const lines = run.stdout.filter((l) => /logged\s+\| /.test(l));
    const ready = run.stdout.findIndex((l) => /logged\s+\S+ ready/.test(l));
    assert.ok(ready > run.stdout.findIndex((l) => /logged\s+\| aaaa$/.test(l)), `ready before the matching line:\n${run.text().slice(-2000)}`);
    assert.equal(lines.length, 2);
    await assertClean(run);
  });

  it('rejects a log pattern RE2 cannot run, naming the construct where it is written', async () => {
    const dir = spec(`version: 1
processes:
  logged:
    command: "true"
    health: { readiness: { log: "^listening (?=on)" } }
`);
    const run = procs(['validate'], { cwd: dir });
    assert.notEqual(await run.exited, 0);
    assert.match(run.text(), /procs\.yaml:5:\d+/);
    assert.match(run.text(), /processes\.logged\.health\.readiness\.log: log patterns cannot use `\(\?=` .*RE2/);
    const col = Number(/procs\.yaml:5:(\d+)/.exec(run.text())?.[1]);
    assert.equal(
      readFileSync(join(dir, 'procs.yaml'), 'utf8')
        .split('\n')[4]
        ?.slice(col - 1, col + 2),
      '(?=',
    );
  });

  it('shows no health in ps for a unit that was stopped', async () => {
    const port = await freePort();
    const always = await listen(createServer((_req, res) => res.end()));
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  api:
    command: [${NODE}, ${bin('http-server.js')}, "${port}"]
    health:
      readiness: { tcp: "127.0.0.1:${port}", interval: 100ms }
      liveness: { tcp: "127.0.0.1:${always}", interval: 100ms }
`,
    });
    projects.push(p);
    assert.equal((await p.run(['up', '-d'])).code, 0);
    await waitUntil(() => p.events().some((e) => e.type === 'ready' && e.unit === 'api'), 20_000, 'api to be ready');
    assert.deepEqual((await psJson(p)).units[0]?.health, { readiness: 'ok', liveness: 'ok' });
    assert.equal((await p.run(['stop', 'api'])).code, 0);
    const after = (await psJson(p)).units[0];
    assert.equal(after?.state, 'stopped');
    assert.deepEqual(after?.health, { readiness: null, liveness: null });
    const table = (await p.run(['ps'])).stdout;
    assert.match(table, /^api\s+stopped\b.*\s-$/m);
    assert.doesNotMatch(table, /ready|live/);
  });
});
