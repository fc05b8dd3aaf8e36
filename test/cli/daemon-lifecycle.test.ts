// The daemon's files and their edge cases: stale pid and socket files left by a crash, two
// `up -d` at once, another user knocking on the socket, a project too deep for a socket path,
// and the commands' answers when nothing runs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAIN, procs, project, removeProject, taggedProcesses } from '../helpers/cli.js';
import { asNobody, canSwitchUser } from '../helpers/other-user.js';
import { alive, NODE, psJson, tempProject, waitUntil, type Proj } from '../control/helpers.js';

const HANG = "console.log('up'); setInterval(() => {}, 1 << 30);\n";
const SPEC = `version: 1\nprocesses:\n  web:\n    command: [${NODE}, hang.js]\n  api:\n    command: [${NODE}, hang.js]\n`;
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

/** A new project with the usual two units. */
function make(dir?: string): Proj {
  const p = tempProject({ 'procs.yaml': SPEC, 'hang.js': HANG }, dir);
  projects.push(p);
  return p;
}

/** Daemons (`main.js __daemon`) carrying the project's tag. */
function daemons(p: Proj): number[] {
  return taggedProcesses(p.tag).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('__daemon'));
}

/** Leaves a socket file nobody answers on: a process that listened was killed. */
async function staleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('ok'))`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}

describe('the daemon lifecycle', () => {
  it('answers clearly when no project is running', async () => {
    const p = make();
    for (const cmd of [['ps'], ['down'], ['restart', 'web'], ['scale', 'w=1'], ['reload'], ['logs', '-f']]) {
      const r = await p.run(cmd);
      const expected = cmd[0] === 'logs' ? 0 : 1;
      assert.equal(r.code, expected, `${cmd.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`no procs project is running in ${p.dir}`));
    }
  });

  it('cleans up a stale pid file and socket left by a crash, and never trusts them', async () => {
    const p = make();
    mkdirSync(join(p.dir, '.procs'), { mode: 0o700 });
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(p.dir, '.procs/procs.pid'), `${dead}\n`);
    await staleSocket(join(p.dir, '.procs/procs.sock'));
    const ps = await p.run(['ps']);
    assert.equal(ps.code, 1, 'a socket nobody answers on is not a running project');
    const up = await p.run(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    const pid = Number(readFileSync(join(p.dir, '.procs/procs.pid'), 'utf8'));
    assert.notEqual(pid, Number(dead));
    assert.deepEqual(daemons(p), [pid]);
    assert.equal((await psJson(p)).units.length, 2);
    assert.equal((await p.run(['down'])).code, 0);

    // A live process that is not procs (this test runner) in the pid file is stale as well.
    writeFileSync(join(p.dir, '.procs/procs.pid'), `${process.pid}\n`);
    const again = await p.run(['up', '-d']);
    assert.equal(again.code, 0, again.stderr);
    assert.notEqual(Number(readFileSync(join(p.dir, '.procs/procs.pid'), 'utf8')), process.pid);
    assert.equal((await p.run(['down'])).code, 0);
    assert.deepEqual(taggedProcesses(p.tag), []);
  });

  it('starts one daemon when two up -d race, and a foreground up joins it', async () => {
    const p = make();
    const [a, b] = await Promise.all([p.run(['up', '-d']), p.run(['up', '-d'])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const said = [a.stdout, b.stdout].join('\n');
    assert.equal(said.match(/started .* in the background/g)?.length, 1, said);
    assert.equal(said.match(/is already running/g)?.length, 1, said);
    const status = await psJson(p);
    assert.equal(daemons(p).length, 1);
    assert.deepEqual(
      status.units.map((u) => u.name),
      ['web', 'api'],
    );
    // A foreground `up` on the running project reconciles it and shows it, starting no second
    // procs; without a terminal, SIGINT detaches it.
    const fg = procs(['up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await fg.waitFor(/is already running \(pid \d+\); nothing to change/);
    await fg.waitFor(/^procs: attached/);
    assert.equal(daemons(p).length, 1);
    fg.child.kill('SIGINT');
    assert.equal(await fg.exited, 0, fg.text());
    assert.equal((await p.run(['down'])).code, 0);
  });

  it('refuses another user: the folder is 0700, the socket 0600', { skip: canSwitchUser ? false : 'needs root and setpriv' }, async () => {
    const p = make();
    chmodSync(p.dir, 0o755); // only .procs/ and the socket stand in the way now
    assert.equal((await p.run(['up', '-d'])).code, 0);
    const sock = join(p.dir, '.procs/procs.sock');
    assert.equal(statSync(join(p.dir, '.procs')).mode & 0o777, 0o700);
    assert.equal(statSync(sock).mode & 0o777, 0o600);
    const nobody = asNobody();
    const env = { PROCS_TEST_TAG: p.tag };
    const ps = nobody(['procs', 'ps'], { cwd: p.dir, env });
    assert.equal(ps.status, 1, ps.out);
    assert.match(ps.out, /permission denied \(it is run by another user\)/);
    // Even with the folder opened up, the socket itself refuses.
    chmodSync(join(p.dir, '.procs'), 0o711);
    const connect = `require('net').connect(${JSON.stringify(sock)}).on('connect', () => process.exit(0)).on('error', (e) => { console.log(e.code); process.exit(1); })`;
    const direct = nobody(['-e', connect], { cwd: p.dir, env });
    chmodSync(join(p.dir, '.procs'), 0o700);
    assert.equal(direct.status, 1);
    assert.equal(direct.out.trim(), 'EACCES');
    assert.equal((await psJson(p)).units.length, 2, 'the owner still gets in');
    assert.equal((await p.run(['down'])).code, 0);
  });

  it('puts the socket in a short private folder when the project path is too long', async () => {
    const parent = project({});
    after(() => removeProject(parent));
    const deep = join(parent, 'a-folder-name-long-enough-to-matter'.repeat(3));
    mkdirSync(deep);
    const p = make(deep);
    assert.ok(Buffer.byteLength(join(deep, '.procs/procs.sock')) > 107);
    const up = await p.run(['up', '-d'], { XDG_RUNTIME_DIR: '' });
    assert.equal(up.code, 0, up.stderr);
    const recorded = readFileSync(join(deep, '.procs/procs.sock.path'), 'utf8').trim();
    assert.match(recorded, /^\/tmp\/procs-[A-Za-z0-9]{6}\/procs\.sock$/);
    assert.equal(statSync(recorded).mode & 0o777, 0o600);
    assert.equal(statSync(join(recorded, '..')).mode & 0o777, 0o700);
    assert.equal((await psJson(p)).units.length, 2);
    assert.equal((await p.run(['down'])).code, 0);
    assert.ok(!existsSync(join(recorded, '..')) && !existsSync(join(deep, '.procs/procs.sock.path')), 'socket, its folder and its record removed');
  });

  it('serves a foreground up: ps, stop/start, a reload on a spec change, and down from another terminal', async () => {
    const p = make();
    const fg = spawnFg(p);
    await waitUntil(() => existsSync(join(p.dir, '.procs/procs.sock')), 20_000, 'the socket');
    assert.deepEqual(
      (await psJson(p)).units.map((u) => u.name),
      ['web', 'api'],
    );
    assert.equal((await p.run(['stop', 'web', 'api'])).code, 0);
    assert.equal((await p.run(['start', 'web'])).code, 0, 'up is still there after every unit was stopped');
    writeFileSync(join(p.dir, 'procs.yaml'), `${SPEC}  extra:\n    command: [${NODE}, hang.js]\n`);
    await waitUntil(() => p.events().some((e) => e.type === 'reload'), 20_000, 'a reload after the spec changed');
    assert.deepEqual(p.events().find((e) => e.type === 'reload')?.actions, ['start extra']);
    const down = await p.run(['down', '--timeout', '2s']);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await fg.exited, 0);
    assert.ok(!existsSync(join(p.dir, '.procs/procs.sock')) && !existsSync(join(p.dir, '.procs/procs.pid')));
    assert.deepEqual(taggedProcesses(p.tag), []);
    assert.ok(!alive(fg.pid));
  });
});

/** `procs up` in the foreground, tagged like the project's other processes. */
function spawnFg(p: Proj): { pid: number; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN, 'up'], { cwd: p.dir, env: { ...process.env, PROCS_TEST_TAG: p.tag, NO_COLOR: '1' }, stdio: 'ignore' });
  return { pid: child.pid ?? 0, exited: new Promise((resolve) => child.once('exit', resolve)) };
}
