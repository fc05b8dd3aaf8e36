// `procs run [UNIT…] -- CMD…`: the CI entry point, end to end with real processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { alive, psJson, tempProject, type Proj } from '../control/helpers.js';
import { assertClean, BIN, freePort, MAIN, procs, project, readEvents, removeProject, taggedProcesses } from '../helpers/cli.js';
import { waitFor, within } from '../helpers/processes.js';

const NODE = JSON.stringify(process.execPath);
const bin = (name: string): string => JSON.stringify(join(BIN, name));
const dirs: string[] = [];
after(() => dirs.forEach(removeProject));
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

/** Single-quoted for the shell. */
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** `procs ARGS` on a terminal (a pseudo-terminal of util-linux `script`), its output and what it typed. */
function onTerminal(
  args: string[],
  cwd: string,
  o: { env?: Record<string, string>; shellStays?: boolean } = {},
): { tag: string; out: () => string; type(text: string): void; exited: Promise<number | null> } {
  const tag = randomUUID();
  const procsLine = [process.execPath, MAIN, ...args].map(quote).join(' ');
  // With `shellStays`, the shell that started procs outlives it, as an interactive one does:
  // the terminal stays open, so no SIGHUP ends what procs leaves behind.
  const line = o.shellStays ? `${procsLine}; echo procs ended; exec sleep 60` : procsLine;
  const env = o.env ?? {};
  const child = spawn('script', ['-qfec', line, '/dev/null'], {
    cwd,
    env: { ...process.env, ...env, PROCS_TEST_TAG: tag, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  after(() => {
    child.kill('SIGKILL');
    for (const pid of taggedProcesses(tag)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  });
  return { tag, out: () => out, type: (text) => child.stdin.write(text), exited };
}

/** The `procs` process among a tag's processes. */
function procsOf(tag: string): number | undefined {
  return taggedProcesses(tag).find((pid) => cmdline(pid).includes(`${MAIN}\0run`));
}

const HAS_SCRIPT = existsSync('/usr/bin/script');

/** The command line of a process, '' once it is gone. */
function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** A spec whose `web` is ready once it answers on `port`, with an env value from the spec. */
function webSpec(port: number): string {
  return `version: 1
env: { FROM_SPEC: spec-value }
processes:
  web:
    command: [${NODE}, ${bin('http-server.js')}, "${port}"]
    health: { readiness: { http: "http://127.0.0.1:${port}/health", interval: 100ms } }
`;
}

async function services(): Promise<{ dir: string; port: number }> {
  const port = await freePort();
  const dir = project({
    'procs.yaml': `version: 1
env: { FROM_SPEC: spec-value }
processes:
  web:
    command: [${NODE}, ${bin('http-server.js')}, "${port}"]
    health: { readiness: { http: "http://127.0.0.1:${port}/health", interval: 100ms } }
  migrate:
    command: "echo migrating"
    depends_on: { web: healthy }
    restart: never
`,
  });
  dirs.push(dir);
  return { dir, port };
}

describe('procs run', () => {
  it('runs CMD once every unit is ready, with the project env, and exits 0 after tearing down', async () => {
    const { dir, port } = await services();
    const run = procs(['run', '--', 'sh', '-c', `curl -fsS http://127.0.0.1:${port}/health && echo "spec says $FROM_SPEC"`], { cwd: dir });
    assert.equal(await run.exited, 0, run.text());
    assert.ok(run.stdout.includes('ok'), run.text());
    assert.ok(run.stdout.includes('spec says spec-value'), run.text());
    const ev = readEvents(dir);
    assert.ok(ev.some((e) => e.type === 'exit' && e.unit === 'migrate' && e.state === 'completed'));
    assert.ok(ev.some((e) => e.type === 'stop' && e.unit === 'web' && e.state === 'stopped'));
    await assertClean(run);
  });

  it("passes CMD's exit code through", async () => {
    const { dir } = await services();
    const run = procs(['run', '--', 'sh', '-c', 'exit 7'], { cwd: dir });
    assert.equal(await run.exited, 7);
    await assertClean(run);
  });

  it('returns 128+N when CMD dies of signal N', async () => {
    const { dir } = await services();
    const run = procs(['run', '--', 'sh -c "kill -KILL \\$\\$"'], { cwd: dir });
    assert.equal(await run.exited, 137, run.text());
    await assertClean(run);
  });

  it('never runs CMD when a unit fails before it is ready: exit 1, the reason and its last lines', async () => {
    const dir = project({
      'procs.yaml': `version: 1\nprocesses:\n  db:\n    command: "echo starting db; echo config broken >&2; exit 4"\n    restart: never\n  api:\n    command: "sleep 1000"\n    depends_on: { db: healthy }\n`,
    });
    dirs.push(dir);
    const run = procs(['run', '--', 'sh', '-c', 'echo CMD RAN'], { cwd: dir });
    assert.equal(await run.exited, 1);
    assert.ok(!run.stdout.includes('CMD RAN'));
    const err = run.stderr.join('\n');
    assert.match(err, /db failed: exited with code 4/);
    assert.match(err, /config broken/);
    await assertClean(run);
  });

  it('never runs CMD when a unit without a probe exits while it is waited on, even though it restarts', async () => {
    const dir = project({
      'procs.yaml': `version: 1\nprocesses:\n  flaky:\n    command: "echo flaky starting; exit 3"\n    restart: { policy: always, backoff: { initial: 2s } }\n`,
    });
    dirs.push(dir);
    const run = procs(['run', '--', 'sh', '-c', 'echo CMD RAN'], { cwd: dir });
    assert.equal(await run.exited, 1);
    assert.ok(!run.stdout.includes('CMD RAN'));
    const err = run.stderr.join('\n');
    assert.match(err, /flaky exited with code 3 while it was waited on, and restarts/);
    assert.match(err, /flaky starting/);
    await assertClean(run);
  });

  it('gives up after --wait-timeout with the units still waiting', async () => {
    const dir = project({
      'procs.yaml': `version: 1\nprocesses:\n  never:\n    command: [${NODE}, ${bin('hang.js')}]\n    health: { readiness: { log: "will never print this" } }\n`,
    });
    dirs.push(dir);
    const run = procs(['run', '--wait-timeout', '500ms', '--', 'sh', '-c', 'echo CMD RAN'], { cwd: dir });
    assert.equal(await run.exited, 1);
    assert.ok(!run.stdout.includes('CMD RAN'));
    assert.match(run.stderr.join('\n'), /timed out after 500ms waiting for never \(running\)/);
    await assertClean(run);
  });

  it('on Ctrl-C during CMD stops CMD, then the units', async () => {
    const { dir } = await services();
    const run = procs(['run', '--', 'sh', '-c', 'echo CMD STARTED; exec sleep 1000'], { cwd: dir });
    await run.waitFor(/^CMD STARTED$/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 130);
    await assertClean(run);
  });

  it('starts only the named units and what they depend on', async () => {
    const { dir } = await services();
    const run = procs(['run', 'web', '--', 'true'], { cwd: dir });
    assert.equal(await run.exited, 0);
    assert.ok(!readEvents(dir).some((e) => e.unit === 'migrate'));
    await assertClean(run);
  });

  it('a second signal kills a CMD that ignores the first, and the units at once: exit 128+N', async () => {
    const dir = project({
      'procs.yaml': `version: 1\nprocesses:\n  stubborn:\n    command: [${NODE}, ${bin('ignore-term.js')}]\n    stop: { timeout: 60s }\n`,
    });
    dirs.push(dir);
    const run = procs(['run', '--', process.execPath, join(BIN, 'ignore-term.js')], { cwd: dir });
    await run.waitFor(/^ready$/);
    run.child.kill('SIGTERM');
    await run.waitFor(/^ignoring SIGTERM$/);
    run.child.kill('SIGTERM');
    assert.equal(await within(run.exited, 20_000, 'procs run after a second SIGTERM'), 143, run.text());
    await assertClean(run);
  });

  it('a second Ctrl-C (SIGINT) kills a CMD that ignores it: exit 130', async () => {
    const { dir } = await services();
    const script = "process.on('SIGINT', () => console.log('ignoring SIGINT')); console.log('CMD STARTED'); setInterval(() => {}, 1 << 30)";
    const run = procs(['run', '--', process.execPath, '-e', script], { cwd: dir });
    await run.waitFor(/^CMD STARTED$/);
    run.child.kill('SIGINT');
    await run.waitFor(/^ignoring SIGINT$/);
    run.child.kill('SIGINT');
    assert.equal(await within(run.exited, 20_000, 'procs run after a second SIGINT'), 130, run.text());
    await assertClean(run);
  });

  for (const [mode, env] of [
    ['the spawner', {}],
    ['PROCS_SPAWNER=node', { PROCS_SPAWNER: 'node' }],
  ] as const) {
    it(`killed with SIGKILL, leaves nothing of CMD behind: its descendants go too (${mode})`, async () => {
      const { dir } = await services();
      // CMD's child starts its own session: only the parent chain leads to it.
      const run = procs(['run', '--', process.execPath, join(BIN, 'grandchild.js'), 'escape'], { cwd: dir, env });
      await run.waitFor(/^child \d+$/);
      run.child.kill('SIGKILL');
      await run.exited;
      await assertClean(run, 10_000);
    });
  }

  it('holds the project while it runs: another run is refused, ps and down reach it, and the lock goes with it', async () => {
    const { dir } = await services();
    const run = procs(['run', '--', 'sh', '-c', 'echo CMD STARTED; exec sleep 1000'], { cwd: dir });
    await run.waitFor(/^CMD STARTED$/);
    const second = procs(['run', '--', 'sh', '-c', 'echo SECOND RAN'], { cwd: dir });
    assert.equal(await second.exited, 2, second.text());
    assert.ok(!second.stdout.includes('SECOND RAN'));
    assert.match(second.stderr.join('\n'), /already running \(procs pid \d+\); nothing was started/);
    assert.match(second.stderr.join('\n'), /procs run --attach/);
    const ps = procs(['ps'], { cwd: dir });
    assert.equal(await ps.exited, 0, ps.text());
    assert.match(ps.text(), /web/);
    const down = procs(['down'], { cwd: dir });
    assert.equal(await down.exited, 0, down.text());
    // `down` ends the run as SIGTERM would: CMD gets it and its status is the run's.
    assert.equal(await run.exited, 143, run.text());
    assert.ok(!existsSync(join(dir, '.procs/procs.pid')), 'the pid file is gone');
    assert.ok(!existsSync(join(dir, '.procs/procs.sock')), 'the socket is gone');
    await assertClean(run);
  });

  it('beside a running up -d: refuses (exit 2) without --attach, runs CMD against it with --attach and leaves it running', async () => {
    const port = await freePort();
    const p = tempProject({ 'procs.yaml': webSpec(port) });
    projects.push(p);
    const up = await p.run(['up', '-d', '--wait']);
    assert.equal(up.code, 0, up.stderr);
    const before = (await psJson(p)).units.find((u) => u.name === 'web');

    const refused = await p.run(['run', '--', 'sh', '-c', 'echo CMD RAN']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.ok(!refused.stdout.includes('CMD RAN'));
    assert.match(refused.stderr, /already running/);

    const attached = await p.run(['run', '--attach', '--', 'sh', '-c', `curl -fsS http://127.0.0.1:${port}/health && echo "spec says $FROM_SPEC"; exit 3`]);
    assert.equal(attached.code, 3, attached.stderr);
    assert.match(attached.stdout, /^ok$/m);
    assert.match(attached.stdout, /spec says spec-value/);

    const after = (await psJson(p)).units.find((u) => u.name === 'web');
    assert.equal(after?.state, 'ready');
    assert.equal(after?.pid, before?.pid, 'the same web, still running');
    assert.equal(p.events().filter((e) => e.type === 'spawn' && e.unit === 'web').length, 1, 'one copy of web');
  });

  it('--attach with no project running: exit 2, nothing started', async () => {
    const { dir } = await services();
    const run = procs(['run', '--attach', '--', 'sh', '-c', 'echo CMD RAN'], { cwd: dir });
    assert.equal(await run.exited, 2, run.text());
    assert.ok(!run.stdout.includes('CMD RAN'));
    assert.match(run.stderr.join('\n'), /no procs project is running in .*; nothing was started/);
    assert.ok(!existsSync(join(dir, '.procs/events.ndjson')), 'no unit was started');
    await assertClean(run);
  });

  describe('on a terminal, CMD in the foreground with procs', { skip: HAS_SCRIPT ? false : 'needs script (util-linux)' }, () => {
    it('Ctrl-C reaches CMD; a second Ctrl-C kills it when it ignores the first: exit 130', async () => {
      const { dir } = await services();
      const script =
        "process.on('SIGINT', () => console.log('ignoring SIGINT')); console.log('CMD STARTED', process.stdin.isTTY); setInterval(() => {}, 1 << 30)";
      const t = onTerminal(['run', '--', process.execPath, '-e', script], dir);
      await waitFor(() => /CMD STARTED true/.test(t.out()), 'CMD on the terminal', 30_000);
      t.type('\x03');
      await waitFor(() => /ignoring SIGINT/.test(t.out()), 'CMD to ignore Ctrl-C', 10_000);
      t.type('\x03');
      assert.equal(await within(t.exited, 20_000, 'procs run after a second Ctrl-C'), 130, t.out());
      await waitFor(() => taggedProcesses(t.tag).length === 0, 'nothing left', 5000);
    });

    for (const [mode, env] of [
      ['the spawner', {}],
      ['PROCS_SPAWNER=node', { PROCS_SPAWNER: 'node' }],
    ] as const) {
      it(`killed with SIGKILL, leaves nothing of CMD behind (${mode})`, async () => {
        const { dir } = await services();
        const t = onTerminal(['run', '--', process.execPath, join(BIN, 'grandchild.js')], dir, { env, shellStays: true });
        await waitFor(() => /child \d+/.test(t.out()), 'CMD and its child', 30_000);
        const cmd = [/parent (\d+)/, /child (\d+)/].map((re) => Number(re.exec(t.out())?.[1]));
        const pid = procsOf(t.tag);
        assert.ok(pid !== undefined, 'procs runs');
        process.kill(pid, 'SIGKILL');
        await waitFor(() => /procs ended/.test(t.out()), 'the shell to go on', 10_000);
        await waitFor(() => !cmd.some(alive), 'CMD and its child to end', 10_000);
        // Left: only `script` and the shell's sleep.
        await waitFor(() => taggedProcesses(t.tag).every((p) => /^(script|sleep|)(\0|$)/.test(cmdline(p))), 'no unit left', 10_000);
      });
    }
  });
});
