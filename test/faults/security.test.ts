// Who may control procs and what it gives away: another user is refused at the control socket
// (and changes nothing), cannot block the fallback socket folder or pass off a fake socket, env values never show in ps, events, logs of procs or messages, an
// array command's shell metacharacters stay literal, and cwd / env_file resolve against the
// spec's folder with errors that name paths but never print what a file holds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { after, it } from 'node:test';
import { BIN, procs, project, removeProject } from '../helpers/cli.js';
import { asNobody, canSwitchUser } from '../helpers/other-user.js';
import { psJson, tempProject, type Proj } from '../control/helpers.js';
import { faults, figure, until } from './support.js';

const NODE = JSON.stringify(process.execPath);
const SECRETS = ['tok-GLOBAL-4f1c9e', 'key-UNIT-77aa01', 'dotenv-FILE-0b3d5c', 'envfile-UNIT-9e8f7d'];

/** Every text procs wrote about the project: its files under .procs/ and what the commands said. */
function everythingSaid(dir: string, outputs: readonly string[]): string {
  const texts = [...outputs];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) texts.push(readFileSync(p, 'utf8'));
    }
  };
  if (existsSync(join(dir, '.procs'))) walk(join(dir, '.procs'));
  return texts.join('\n');
}

faults('security', () => {
  const projects: Proj[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
    dirs.forEach(removeProject);
  });

  it('refuses another user at the control socket, and nothing changes', { skip: canSwitchUser ? false : 'needs root and setpriv' }, async (t) => {
    const p = tempProject({
      'procs.yaml': `version: 1\nprocesses:\n  web: { command: [${NODE}, ${JSON.stringify(join(BIN, 'hang.js'))}] }\npools:\n  w: { command: [${NODE}, ${JSON.stringify(join(BIN, 'hang.js'))}], replicas: 2 }\n`,
    });
    projects.push(p);
    chmodSync(p.dir, 0o755);
    assert.equal((await p.run(['up', '-d'])).code, 0);
    const before = await psJson(p);
    const nobody = asNobody();
    const env = { PROCS_TEST_TAG: p.tag };
    let refused = 0;
    for (const cmd of [['ps'], ['stop', 'web'], ['restart', 'web'], ['scale', 'w=5'], ['reload'], ['down'], ['logs']]) {
      const r = nobody(['procs', ...cmd], { cwd: p.dir, env });
      assert.notEqual(r.status, 0, `${cmd.join(' ')} as nobody: ${r.out}`);
      assert.match(r.out, /permission denied|another user/i, cmd.join(' '));
      refused++;
    }
    // Straight at the socket, with the folder opened: the socket's own mode refuses.
    chmodSync(join(p.dir, '.procs'), 0o711);
    const sock = join(p.dir, '.procs/procs.sock');
    const request = `const s = require('net').connect(${JSON.stringify(sock)}); s.on('connect', () => { s.write('POST /v1/down HTTP/1.0\\r\\ncontent-length: 2\\r\\n\\r\\n{}'); s.on('data', (d) => { console.log('ANSWERED ' + d); process.exit(0); }); }); s.on('error', (e) => { console.log(e.code); process.exit(1); });`;
    const direct = nobody(['-e', request], { cwd: p.dir, env });
    chmodSync(join(p.dir, '.procs'), 0o700);
    assert.equal(direct.out.trim(), 'EACCES');
    refused++;
    const afterward = await psJson(p);
    assert.deepEqual(
      afterward.units.map((u) => [u.name, u.state, u.pid]),
      before.units.map((u) => [u.name, u.state, u.pid]),
      'another user changed the project',
    );
    figure(t, 'control requests from another user refused', refused);
  });

  it(
    'is not blocked by a foreign /tmp/procs-<uid>/, and trusts no socket someone else could have placed',
    { skip: canSwitchUser ? false : 'needs root and setpriv' },
    async (t) => {
      const HANG_CMD = `[${NODE}, ${JSON.stringify(join(BIN, 'hang.js'))}]`;
      const parent = project({});
      dirs.push(parent);
      const deep = join(parent, 'a-folder-name-long-enough-to-matter'.repeat(3));
      mkdirSync(deep);
      const p = tempProject({ 'procs.yaml': `version: 1\nprocesses:\n  web: { command: ${HANG_CMD} }\n` }, deep);
      projects.push(p);
      // Another user (nobody) took the name the fallback folder used to have.
      const squatted = `/tmp/procs-${process.getuid?.() ?? 0}`;
      const hadSquat = existsSync(squatted);
      if (!hadSquat) {
        mkdirSync(squatted, { mode: 0o777 });
        chmodSync(squatted, 0o777);
        chownSync(squatted, 65534, 65534);
        after(() => rmSync(squatted, { recursive: true, force: true }));
      }
      const up = await p.run(['up', '-d'], { XDG_RUNTIME_DIR: '' });
      assert.equal(up.code, 0, `a folder of another user blocked the daemon: ${up.stderr}`);
      const recorded = readFileSync(join(deep, '.procs/procs.sock.path'), 'utf8').trim();
      assert.ok(!recorded.startsWith(`${squatted}/`), recorded);
      assert.equal(statSync(dirname(recorded)).uid, process.getuid?.());
      assert.equal((await psJson(p)).units[0]?.name, 'web');
      assert.equal((await p.run(['down'])).code, 0);

      // A fake API in a folder of another user's: ps and up -d --wait must refuse it.
      const fakeDir = mkdtempSync('/tmp/procs-fake-');
      dirs.push(fakeDir);
      const fakeSock = join(fakeDir, 'procs.sock');
      const fake = createServer((_req, res) =>
        res.end(
          JSON.stringify({
            project: 'FAKE',
            root: deep,
            pid: 1,
            pools: [],
            units: [
              {
                name: 'FAKE-UNIT',
                kind: 'process',
                pool: null,
                state: 'ready',
                pid: 1,
                restarts: 0,
                started_at: null,
                exit: { code: null, signal: null },
                health: { readiness: null, liveness: null },
                reason: null,
              },
            ],
          }),
        ),
      );
      await new Promise<void>((resolve) => fake.listen(fakeSock, resolve));
      after(() => fake.close());
      chmodSync(fakeDir, 0o700);
      chownSync(fakeDir, 65534, 65534);
      writeFileSync(join(deep, '.procs/procs.sock.path'), `${fakeSock}\n`);
      let refused = 0;
      const refuse = async (what: string): Promise<void> => {
        for (const cmd of [['ps'], ['up', '-d', '--wait']]) {
          const r = await p.run(cmd, { XDG_RUNTIME_DIR: '' });
          assert.equal(r.code, 1, `${cmd.join(' ')} with ${what}: ${r.stdout}${r.stderr}`);
          assert.ok(!`${r.stdout}${r.stderr}`.includes('FAKE'), `${cmd.join(' ')} believed a fake API (${what})`);
          assert.match(r.stderr, /refusing the control socket/, `${cmd.join(' ')} with ${what}`);
          refused++;
        }
      };
      await refuse('a folder of uid 65534');
      chownSync(fakeDir, process.getuid?.() ?? 0, 0);
      chmodSync(fakeDir, 0o755);
      await refuse('a folder open to others');
      chmodSync(fakeDir, 0o700);
      chownSync(fakeSock, 65534, 65534);
      await refuse('a socket of uid 65534');
      figure(t, 'fake control sockets refused', refused);
    },
  );

  it('never shows an env value in ps, events, the daemon log, unit logs or messages', async (t) => {
    const [global, unit, dotenv, envfile] = SECRETS;
    const p = tempProject({
      'procs.yaml': `version: 1
env: { TOKEN: "${global}" }
processes:
  ok:
    command: [${NODE}, ${JSON.stringify(join(BIN, 'hang.js'))}]
    env: { API_KEY: "${unit}" }
    env_file: unit.env
    health:
      readiness: { tcp: "127.0.0.1:1", interval: 100ms }
  crashes:
    command: ["/bin/sh", "-c", "echo bye; exit 4"]
    env: { API_KEY: "${unit}" }
    restart: { policy: on-failure, max_restarts: 1, backoff: { initial: 10ms } }
  missing:
    command: ["/definitely/not/here"]
    env: { API_KEY: "${unit}" }
  badcwd:
    command: x
    cwd: nowhere
    env: { API_KEY: "${unit}", UNSET_REF: "\${NOT_DEFINED_ANYWHERE}" }
`,
      '.env': `DOTENV_SECRET=${dotenv}\n`,
      'unit.env': `FILE_SECRET=${envfile}\n`,
      'broken.yaml': `processes:\n  ok:\n    env: { API_KEY: "${unit}" }\n    restart: sometimes\n    health: { readiness: { tcp: "\${TOKEN}" } }\n`,
    });
    projects.push(p);
    const outputs: string[] = [];
    const say = (r: { stdout: string; stderr: string }): void => void outputs.push(r.stdout, r.stderr);
    say(await p.run(['validate']));
    say(await p.run(['validate', '-f', 'procs.yaml', '-f', 'broken.yaml']));
    const up = await p.run(['up', '-d']);
    say(up);
    await until(() => p.events().some((e) => e.unit === 'crashes' && e.type === 'failed'), 'crashes to fail for good');
    say(await p.run(['ps', '--json']));
    say(await p.run(['ps']));
    say(await p.run(['logs', '-n', '50']));
    say(await p.run(['restart', 'missing']));
    say(await p.run(['reload', '-f', 'procs.yaml', '-f', 'broken.yaml']));
    say(await p.run(['down']));
    const all = everythingSaid(p.dir, outputs);
    for (const s of SECRETS)
      assert.ok(
        !all.includes(s),
        `the value ${s} was shown:\n${all
          .split('\n')
          .filter((l) => l.includes(s))
          .slice(0, 5)
          .join('\n')}`,
      );
    assert.match(all, /\/definitely\/not\/here/, 'the missing command is named');
    assert.match(all, /nowhere/, 'the missing cwd is named');
    figure(t, 'characters of procs output and files searched for 4 env values', all.length);
  });

  it('never shows a secret of a probe target: interpolated values and URL credentials', async (t) => {
    const secrets = ['pass-PROBE-5e6f7a', 'tok-PROBE-1a2b3c', 'literal-PROBE-9d8c'];
    const [pass, token, literal] = secrets;
    const yaml = `version: 1
env: { ADMIN_PASS: "${pass}", HEALTH_TOKEN: "${token}" }
processes:
  api:
    command: [${NODE}, ${JSON.stringify(join(BIN, 'hang.js'))}]
    health:
      readiness: { http: "http://admin:\${ADMIN_PASS}@127.0.0.1:1/?t=\${HEALTH_TOKEN}", interval: 100ms }
      liveness: { http: "http://admin:\${ADMIN_PASS}@127.0.0.1:1/?t=\${HEALTH_TOKEN}", interval: 100ms, failure_threshold: 2 }
    restart: { policy: always, backoff: { initial: 50ms } }
  db:
    command: [${NODE}, ${JSON.stringify(join(BIN, 'hang.js'))}]
    health:
      liveness: { http: "http://root:${literal}@127.0.0.1:1/", interval: 100ms, failure_threshold: 2 }
      readiness: { exec: "test \${HEALTH_TOKEN} = nope", interval: 100ms }
    restart: { policy: always, backoff: { initial: 50ms } }
`;
    const p = tempProject({ 'procs.yaml': yaml });
    projects.push(p);
    const outputs: string[] = [];
    const say = (r: { stdout: string; stderr: string }): void => void outputs.push(r.stdout, r.stderr);
    // In the foreground: what the terminal shows.
    const fg = procs(['up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await fg.waitFor(/api\s+\S+ unhealthy: /);
    await fg.waitFor(/db\s+\S+ unhealthy: /);
    fg.child.kill('SIGINT');
    await fg.exited;
    outputs.push(fg.text());
    // In the background: events, the daemon's log, ps.
    say(await p.run(['up', '-d']));
    await until(() => p.events().filter((e) => e.type === 'unhealthy').length >= 4, 'the probes to fail again');
    say(await p.run(['ps', '--json']));
    say(await p.run(['ps']));
    say(await p.run(['logs', '-n', '50']));
    say(await p.run(['down']));
    const all = everythingSaid(p.dir, outputs);
    for (const s of secrets)
      assert.ok(
        !all.includes(s),
        `the value ${s} was shown:\n${all
          .split('\n')
          .filter((l) => l.includes(s))
          .slice(0, 5)
          .join('\n')}`,
      );
    assert.match(
      all,
      /unhealthy: liveness probe failed 2 times: GET http:\/\/\*\*\*@127\.0\.0\.1:1\/\?t=\*\*\*: connect ECONNREFUSED/,
      'the probe is named, without its secrets',
    );
    assert.match(all, /GET http:\/\/\*\*\*@127\.0\.0\.1:1\/: connect ECONNREFUSED/);
    figure(t, 'characters of procs output and files searched for 3 probe secrets', all.length);
  });

  it('names a probe in export notes without its secrets', async () => {
    const secret = 'tok-EXPORT-7c7c7c';
    const dir = project({
      'procs.yaml': `version: 1\nenv: { TOKEN: "${secret}" }\nprocesses:\n  web:\n    command: "true"\n    health: { readiness: { log: "ready \${TOKEN}" } }\n`,
    });
    dirs.push(dir);
    for (const target of ['compose', 'kubernetes']) {
      const run = procs(['export', target, '-o', join(dir, 'out', target)], { cwd: dir });
      assert.equal(await run.exited, 0, run.text());
      const said = run.text();
      assert.match(said, /watches the output for \/ready \*\*\*\//, said);
      assert.ok(!said.includes(secret), `export ${target} said the value:\n${said}`);
    }
  });

  it('never follows a symlink nor hangs on a FIFO planted in .procs/: up -d, logs and down go through', async (t) => {
    const p = tempProject({ 'procs.yaml': `version: 1\nprocesses:\n  api: { command: ["/bin/sh", "-c", "echo hello; exec sleep 100000"] }\n` });
    projects.push(p);
    const victim = join(p.dir, 'victim.txt');
    writeFileSync(victim, 'mine\n');
    mkdirSync(join(p.dir, '.procs/logs'), { recursive: true, mode: 0o700 });
    chmodSync(join(p.dir, '.procs'), 0o700);
    symlinkSync(victim, join(p.dir, '.procs/events.ndjson'));
    for (const f of ['.procs/logs/api.log', '.procs/procs.log', '.procs/procs.sock.path']) spawnSync('mkfifo', [join(p.dir, f)]);
    // Each command gets 20 s; one that hangs is killed and fails the test.
    const bounded = async (args: string[]): Promise<{ code: number; text: string }> => {
      const run = procs(args, { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
      const code = await run.exited;
      clearTimeout(timer);
      assert.notEqual(run.child.signalCode, 'SIGKILL', `procs ${args.join(' ')} hung:\n${run.text()}`);
      return { code, text: run.text() };
    };
    const up = await bounded(['up', '-d', '--wait']);
    assert.equal(up.code, 0, up.text);
    const logs = await bounded(['logs']);
    assert.equal(logs.code, 0, logs.text);
    assert.match(logs.text, /api\s+\| hello/);
    const down = await bounded(['down']);
    assert.equal(down.code, 0, down.text);
    assert.equal(readFileSync(victim, 'utf8'), 'mine\n', 'the symlink was followed');
    for (const f of ['events.ndjson', 'logs/api.log', 'procs.log']) assert.ok(lstatSync(join(p.dir, '.procs', f)).isFile(), `${f} replaced by a regular file`);
    assert.match(readFileSync(join(p.dir, '.procs/procs.log'), 'utf8'), /events\.ndjson is a symbolic link/);
    figure(t, 'planted entries met without following or hanging', 4);
  });

  it('runs an array command with shell metacharacters literally', async () => {
    const payload = '$(touch pwned1); `touch pwned2`; touch pwned3 | cat > pwned4 && echo $HOME * ~ > pwned5 \\ \' " ${PATH}';
    const dir = project({
      'procs.yaml': `version: 1\nprocesses:\n  lit:\n    command: ["printf", "[%s]\\\\n", ${JSON.stringify(payload.split('$').join('$$'))}]\n    restart: never\n`,
    });
    dirs.push(dir);
    const run = procs(['up'], { cwd: dir });
    assert.equal(await run.exited, 0, run.text());
    const line = run.stdout.find((l) => /lit\s+\| \[/.test(l));
    assert.equal(line?.replace(/^.*?lit\s+\| /, ''), `[${payload}]`);
    for (const f of ['pwned1', 'pwned2', 'pwned3', 'pwned4', 'pwned5']) assert.ok(!existsSync(join(dir, f)), `${f} was created: a shell ran`);
  });

  it('resolves cwd and env_file against the spec folder, and names a bad path without printing the file', async () => {
    const secretText = 'password=hunter2-LEAK-CHECK';
    const dir = project({
      'sub/procs.yaml': `version: 1\nprocesses:\n  where:\n    command: ["/bin/sh", "-c", "echo cwd=$$(pwd) var=$$FROM_FILE"]\n    cwd: app\n    env_file: conf/app.env\n    restart: never\n`,
      'sub/app/.keep': '',
      'sub/conf/app.env': 'FROM_FILE=from-the-spec-folder\n',
      'conf/app.env': 'FROM_FILE=from-the-working-folder\n',
      'app/.keep': '',
      'bad/procs.yaml': `version: 1\nprocesses:\n  a:\n    command: x\n    env_file: [secrets.txt/inner, folder.env]\n    cwd: secrets.txt\n`,
      'bad/secrets.txt': `${secretText}\n`,
      'bad/folder.env/.keep': '',
      'notyaml.txt': `${secretText}\n  - : [\n`,
    });
    dirs.push(dir);
    const run = procs(['-f', 'sub/procs.yaml', 'up'], { cwd: dir });
    assert.equal(await run.exited, 0, run.text());
    assert.ok(
      run.stdout.some((l) => l.endsWith(`cwd=${join(dir, 'sub/app')} var=from-the-spec-folder`)),
      run.text(),
    );
    const bad = procs(['validate', '-f', 'bad/procs.yaml'], { cwd: dir });
    assert.equal(await bad.exited, 2);
    const notYaml = procs(['validate', '-f', 'notyaml.txt'], { cwd: dir });
    assert.equal(await notYaml.exited, 2);
    const said = `${bad.text()}\n${notYaml.text()}`;
    assert.match(said, /secrets\.txt\/inner/);
    assert.match(said, /folder\.env/);
    assert.ok(!said.includes('hunter2'), `a file's content was printed:\n${said}`);
  });
});
