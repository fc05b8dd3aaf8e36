// procs' stdout on a real terminal (tmux) is written without blocking: while `procs up` runs, its
// stdout is O_NONBLOCK (its own opening of the pseudo-terminal, not the shell's); every line of a
// flood is on the screen whole and in order, the summary on stderr comes after the last of them,
// and the shell's terminal is left blocking.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAIN, specProject, taggedProcesses } from '../helpers/cli.js';
import { waitFor } from '../helpers/processes.js';
import { TmuxScreen } from '../helpers/tmux-screen.js';

const NODE = JSON.stringify(process.execPath);
const LINES = 1500;
const O_NONBLOCK = 0o4000;

/** The `flags:` of a process's open file (octal in /proc/PID/fdinfo/FD). */
function fdFlags(pid: number | 'self', fd: number): number {
  return Number.parseInt(/^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1] ?? 'x', 8);
}

void describe("procs' stdout on a terminal", () => {
  void it('is written without blocking, every line in order, the summary after the last; the shell keeps a blocking terminal', async () => {
    const dir = specProject(
      [
        'version: 1',
        'processes:',
        '  flood:',
        `    command: "seq -f 'line %.0f' 1 ${LINES}"`,
        '    restart: never',
        '  fails:',
        `    command: "sh -c 'exit 3'"`,
        '    restart: never',
        '  hold:',
        // Runs until the test has looked at procs' stdout.
        `    command: "sh -c 'while [ ! -e go ]; do sleep 0.05; done'"`,
        '    restart: never',
        '',
      ].join('\n'),
    );
    const tag = `terminal-writes-${process.pid}-${Date.now()}`;
    const env = { PROCS_TEST_TAG: tag, TERM: 'xterm-256color', NO_COLOR: '1' };
    // After procs: the flags of the terminal as the shell holds it (grep's stdout is the shell's).
    const screen = new TmuxScreen(`${NODE} ${JSON.stringify(MAIN)} up; echo "[procs exited $?]"; grep '^flags' /proc/self/fdinfo/1`, {
      cwd: dir,
      env,
      cols: 160,
      rows: 40,
    });
    try {
      const pidFile = join(dir, '.procs', 'procs.pid');
      await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the pid file of procs up', 30_000);
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      assert.ok((fdFlags(pid, 1) & O_NONBLOCK) !== 0, "procs' stdout is non-blocking while it runs");
      writeFileSync(join(dir, 'go'), '');
      await screen.ended();

      const shown = screen.lines();
      const flood = shown.flatMap((l, i) => (/^\d\d:\d\d:\d\d flood +\| line \d+$/.test(l) ? [i] : []));
      assert.deepEqual(
        flood.map((i) => Number(/line (\d+)$/.exec(shown[i] ?? '')?.[1])),
        Array.from({ length: LINES }, (_, i) => i + 1),
        'every line of the flood, whole and in order',
      );
      const summary = shown.findIndex((l) => /^fails +failed: exited with code 3$/.test(l));
      assert.ok(summary > (flood.at(-1) ?? Infinity), `the summary after the last line:\n${shown.slice(-8).join('\n')}`);
      assert.ok(shown.includes('[procs exited 1]'), shown.slice(-8).join('\n'));
      const after = /^flags:\s*([0-7]+)$/.exec(shown.at(-1) ?? '');
      assert.ok(after, shown.slice(-4).join('\n'));
      assert.equal(Number.parseInt(after[1] ?? '', 8) & O_NONBLOCK, 0, "the shell's terminal stays blocking");
    } finally {
      screen.close();
      await waitFor(() => taggedProcesses(tag).length === 0, 'the processes of the run to end', 10_000).catch(() => {
        for (const p of taggedProcesses(tag)) process.kill(p, 'SIGKILL');
        assert.fail('processes of the run outlived it');
      });
    }
  });
});
