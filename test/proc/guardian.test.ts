// The guardian with real processes: procs killed with SIGKILL leaves nothing behind (children,
// grandchildren in the group and ones that started their own session), a normal exit takes the
// guardian along, and the guardian script on its own kills exactly the groups still registered.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, procs, project, removeProject, taggedProcesses } from '../helpers/cli.js';
import { GUARDIAN_SCRIPT_FILE } from '../../src/proc/shell-guardian.js';

const NODE = JSON.stringify(process.execPath);
const bin = (name: string): string => JSON.stringify(join(BIN, name));
const dirs: string[] = [];
after(() => dirs.forEach(removeProject));

// Resolves once `cond` holds, checking every 20 ms; rejects with `what` after `timeoutMs`.
async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Whether a process runs (and is not a zombie).
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

// The guardian a procs process started: its child whose command line names `name` (the spawner,
// or the shell guardian when units start through Node).
function guardianOf(procsPid: number, name: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === procsPid && readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(name)) return Number(entry);
    } catch {
      // gone while we looked
    }
  }
  return undefined;
}

const SPEC = `version: 1
processes:
  a: { command: [${NODE}, ${bin('hang.js')}] }
  b: { command: "${process.execPath} ${join(BIN, 'hang.js')} & exec ${process.execPath} ${join(BIN, 'hang.js')}" }
  c: { command: [${NODE}, ${bin('grandchild.js')}] }
  d: { command: [${NODE}, ${bin('grandchild.js')}, escape] }
`;

describe('guardian', () => {
  // With the spawner (the default where it was built) and with PROCS_SPAWNER=node (the shell guardian).
  const modes: { mode: string; env: Record<string, string>; name: string }[] = [
    { mode: 'the spawner', env: { PROCS_SPAWNER: '' }, name: 'procs-spawner' },
    { mode: 'child_process and the shell guardian', env: { PROCS_SPAWNER: 'node' }, name: 'procs-guardian' },
  ];
  for (const { mode, env, name } of modes) {
    it(`kills children, grandchildren and escaped descendants of a procs killed with SIGKILL (${mode})`, async () => {
      const dir = project({ 'procs.yaml': SPEC });
      dirs.push(dir);
      const run = procs(['up'], { cwd: dir, env });
      await run.waitForCount(/\| ready$/, 3);
      await run.waitForCount(/\| child \d+$/, 2);
      const pid = run.child.pid ?? 0;
      const guardian = guardianOf(pid, name);
      assert.ok(guardian !== undefined, `${name} runs beside procs`);
      const before = taggedProcesses(run.tag);
      assert.ok(before.length >= 7, `expected at least 7 processes, got ${before.length}`);
      run.child.kill('SIGKILL');
      await run.exited;
      await until(() => taggedProcesses(run.tag).length === 0, 'every process procs started is gone');
      await until(() => !alive(guardian), 'the guardian has exited');
    });

    it(`exits with procs when procs ends normally, and kills nothing that procs released (${mode})`, async () => {
      const dir = project({ 'procs.yaml': `version: 1\nprocesses:\n  a: { command: [${NODE}, ${bin('hang.js')}] }\n` });
      dirs.push(dir);
      const run = procs(['up'], { cwd: dir, env });
      await run.waitFor(/\| ready$/);
      const guardian = guardianOf(run.child.pid ?? 0, name);
      assert.ok(guardian !== undefined, `${name} runs beside procs`);
      run.child.kill('SIGINT');
      assert.equal(await run.exited, 0);
      await until(() => !alive(guardian), 'the guardian has exited');
      assert.deepEqual(taggedProcesses(run.tag), []);
    });
  }

  it('kills the groups still registered when its pipe closes, and only those', async () => {
    const start = (): number => {
      const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
      child.unref();
      return child.pid ?? 0;
    };
    const kept = start();
    const doomed = start();
    const g = spawn('/bin/sh', [GUARDIAN_SCRIPT_FILE], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    const exited = new Promise<number | null>((resolve) => g.once('exit', (code) => resolve(code)));
    g.stdin.end(`g ${kept}\ng ${doomed}\nu ${kept}\ng 999999999\n`);
    assert.equal(await exited, 0);
    await until(() => !alive(doomed), 'the registered group is gone');
    assert.ok(alive(kept), 'a released group is left alone');
    process.kill(-kept, 'SIGKILL');
  });
});
