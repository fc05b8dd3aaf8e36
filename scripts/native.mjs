// Compiles procs' helper programs: the spawner (native/spawner.c) into dist/bin/procs-spawner, the
// program procs starts its units through (src/proc/spawner.ts), and the terminal helper
// (native/procs-tty.c) into dist/bin/procs-tty, which runs `tty: true` units on a pseudo-terminal
// (src/proc/tty.ts), and the notify helper (native/procs-notify.c) into dist/bin/procs-notify, which
// serves units' NOTIFY_SOCKET (src/proc/notify.ts). Without a C compiler procs still works: units start through Node's
// child_process (slower with many units), and `tty: true` units through native/procs-tty.py
// (python3); the build says so and goes on. The package runs this at install (`--install`): the
// helpers are built for the machine procs runs on, never shipped; there a compiler's warning is
// no error, and nothing fails the install.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';

const install = process.argv.includes('--install');
const cc = process.env.CC || 'cc';
mkdirSync('dist/bin', { recursive: true });
const flags = install ? ['-O2'] : ['-O2', '-Wall', '-Wextra', '-Werror'];
const who = install ? 'procs install' : 'procs build';
const programs = [
  { out: 'dist/bin/procs-spawner', src: 'native/spawner.c', without: "units will start through Node's child_process" },
  { out: 'dist/bin/procs-tty', src: 'native/procs-tty.c', without: '`tty: true` units will start through python3 (native/procs-tty.py)' },
  { out: 'dist/bin/procs-notify', src: 'native/procs-notify.c', without: 'the notify socket will be served through python3 (native/procs-notify.py)' },
];
for (const { out, src, without } of programs) {
  rmSync(out, { force: true });
  const run = spawnSync(cc, [...flags, '-o', out, src], { stdio: install ? ['ignore', 'ignore', 'pipe'] : 'inherit' });
  if (run.error !== undefined || run.status !== 0) {
    const why = run.error?.code === 'ENOENT' ? `no C compiler (${cc})` : (run.error?.message ?? `${cc} exited with status ${run.status}`);
    console.warn(`${who}: ${out} was not built (${why}); ${without}.`);
  }
}
