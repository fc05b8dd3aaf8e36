// Disk trouble under a running project: the log folder read-only, full (a 64 KB tmpfs), or
// files capped by `ulimit -f`. Units keep running, procs says so once, and every line still
// reaches the terminal. Mounts need root; without it those cases are skipped.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { assertClean, MAIN, procs, project, removeProject, taggedProcesses, type Run } from '../helpers/cli.js';
import { checkSequences, faults, figure, until } from './support.js';

const ROOT_USER = process.getuid?.() === 0;
const canMount = ROOT_USER && spawnSync('mount', ['--version']).status === 0;
// ~200 numbered lines a second, 60 bytes each: 64 KB fill up within seconds.
const PRINTER = ['perl', '-e', '$|=1; for (my $i = 1; ; $i++) { print "n $i ", "x" x 50, "\\n"; select(undef, undef, undef, 0.005); }'];
const SPEC = `version: 1\nprocesses:\n  talker:\n    command: ${JSON.stringify(PRINTER)}\n`;

/** Numbered lines of the talker on procs' stdout. */
function talkerLines(run: Run): [string, number][] {
  const out: [string, number][] = [];
  for (const l of run.stdout) {
    const m = /talker\s+\| n (\d+) x+$/.exec(l);
    if (m) out.push(['talker', Number(m[1])]);
  }
  return out;
}

/** Lines of procs' own output reporting a log problem. */
function reports(run: Run): string[] {
  return [...run.stdout, ...run.stderr].filter((l) => /cannot write the log of talker/.test(l));
}

faults('disk trouble', () => {
  const dirs: string[] = [];
  const mounts: string[] = [];
  after(() => {
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    dirs.forEach(removeProject);
  });

  /** Mounts a tmpfs with `options` on the project's `.procs/logs`. */
  function mountLogs(dir: string, options: string): void {
    const logs = join(dir, '.procs/logs');
    mkdirSync(logs, { recursive: true, mode: 0o700 });
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', logs], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    mounts.push(logs);
  }

  /** Runs the talker until `n` lines after the first report, then stops it; checks the promises. */
  async function runThrough(dir: string, extraLines: number, t: { diagnostic(m: string): void }, what: string): Promise<void> {
    const run = procs(['up'], { cwd: dir });
    // The report goes to stderr, which waitFor does not watch: poll both.
    await until(() => reports(run).length > 0 || run.child.exitCode !== null, 'a report of the log problem', 30_000);
    const seen = talkerLines(run).length;
    await until(() => talkerLines(run).length >= seen + extraLines || run.child.exitCode !== null, `${extraLines} more lines`, 30_000);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.text().slice(-2000));
    await assertClean(run);
    assert.equal(reports(run).length, 1, `reported once: ${reports(run).join('\n')}`);
    const seq = checkSequences(talkerLines(run));
    assert.deepEqual(seq.problems, [], 'a line missing on the terminal');
    t.diagnostic(`figure: ${what}: lines checked on the terminal = ${seq.checked}; report: ${reports(run)[0] ?? ''}`);
  }

  it('a read-only log folder', { skip: canMount ? false : 'needs root and mount' }, async (t) => {
    const dir = project({ 'procs.yaml': SPEC });
    dirs.push(dir);
    mountLogs(dir, 'ro,size=64k');
    await runThrough(dir, 400, t, 'read-only');
  });

  it('a full log folder (ENOSPC on a 64 KB tmpfs)', { skip: canMount ? false : 'needs root and mount' }, async (t) => {
    const dir = project({ 'procs.yaml': SPEC });
    dirs.push(dir);
    mountLogs(dir, 'size=64k,mode=0700');
    await runThrough(dir, 400, t, 'ENOSPC');
  });

  it('a log folder that is a file', async (t) => {
    const dir = project({ 'procs.yaml': SPEC, '.procs/logs': 'not a folder\n' });
    dirs.push(dir);
    await runThrough(dir, 400, t, 'ENOTDIR');
  });

  it('files capped by ulimit -f: procs is not killed by SIGXFSZ, and goes on', async (t) => {
    const dir = project({ 'procs.yaml': SPEC });
    dirs.push(dir);
    // `ulimit -f` counts 512-byte blocks in dash: 128 KB.
    const child = spawn('/bin/sh', ['-c', `ulimit -f 256 && exec "$0" "$@"`, process.execPath, MAIN, 'up'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', PROCS_TEST_TAG: 'ulimit-' + String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tag = 'ulimit-' + String(process.pid);
    let out = '';
    const lines = (): string[] => out.split('\n');
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
    try {
      const deadline = Date.now() + 60_000;
      let reportedAt = -1;
      let state: 'running' | 'exited' = 'running';
      void exited.then(() => (state = 'exited'));
      while (Date.now() < deadline && state === 'running') {
        const n = lines().filter((l) => /talker\s+\| n \d+/.test(l)).length;
        if (reportedAt < 0 && /cannot write the log of talker/.test(out)) reportedAt = n;
        if (reportedAt >= 0 && n > reportedAt + 400) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (state !== 'running') assert.fail(`procs ended while its log outgrew the file-size limit: ${JSON.stringify(await exited)}\n${out.slice(-1500)}`);
      assert.ok(reportedAt >= 0, `no report of the log problem:\n${out.slice(-1500)}`);
      child.kill('SIGINT');
      const end = await exited;
      assert.equal(end.code, 0, out.slice(-1500));
      assert.equal(lines().filter((l) => /cannot write the log of talker/.test(l)).length, 1);
      const seq = checkSequences(
        lines().flatMap((l): [string, number][] => {
          const m = /talker\s+\| n (\d+) x+$/.exec(l);
          return m ? [['talker', Number(m[1])]] : [];
        }),
      );
      assert.deepEqual(seq.problems, []);
      figure(t, 'ulimit -f: lines checked on the terminal', seq.checked);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const pid of taggedProcesses(tag)) process.kill(pid, 'SIGKILL');
    }
  });

  it('a .procs that cannot be written: the lock is taken elsewhere, and a second up is refused', async (t) => {
    // `.procs` is a file: nothing can be written in it, even by root (chmod would not stop root).
    const dir = project({
      'procs.yaml': `version: 1\nprocesses:\n  api: { command: ["/bin/sh", "-c", "echo serving; exec sleep 100000"] }\n`,
      '.procs': 'not a folder\n',
    });
    dirs.push(dir);
    const runtime = mkdtempSync(join(tmpdir(), 'procs-runtime-'));
    chmodSync(runtime, 0o700);
    dirs.push(runtime);
    const env = { XDG_RUNTIME_DIR: runtime };
    const first = procs(['up'], { cwd: dir, env });
    await first.waitFor(/api\s+\| serving/);
    const second = procs(['up'], { cwd: dir, env });
    // A second run that goes on is killed after 20 s and fails the test.
    const timer = setTimeout(() => second.child.kill('SIGKILL'), 20_000);
    const code = await second.exited;
    clearTimeout(timer);
    assert.equal(code, 1, `the second up ran:\n${second.text()}`);
    assert.match(second.stderr.join('\n'), /another procs \(pid \d+\) runs this project/);
    assert.equal(first.child.exitCode, null, 'the first run goes on');
    first.child.kill('SIGINT');
    assert.equal(await first.exited, 0, first.text());
    await assertClean(first);
    await assertClean(second);
    // Once the first is gone, the lock is free again.
    const third = procs(['up'], { cwd: dir, env });
    await third.waitFor(/api\s+\| serving/);
    third.child.kill('SIGINT');
    assert.equal(await third.exited, 0, third.text());
    await assertClean(third);
    t.diagnostic(`figure: refusal: ${second.stderr.find((l) => /another procs/.test(l)) ?? ''}`);
  });
});
