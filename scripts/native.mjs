// Compiles the spawner (native/spawner.c) into dist/bin/procs-spawner, the program procs starts
// its units through (src/proc/spawner.ts). Without a C compiler procs still works, starting
// units through Node's child_process (slower with many units); the build says so and goes on.
// The package runs this at install (`--install`): the spawner is built for the machine procs
// runs on, never shipped; there a compiler's warning is no error, and nothing fails the install.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';

const install = process.argv.includes('--install');
const out = 'dist/bin/procs-spawner';
const cc = process.env.CC || 'cc';
mkdirSync('dist/bin', { recursive: true });
rmSync(out, { force: true });
const flags = install ? ['-O2'] : ['-O2', '-Wall', '-Wextra', '-Werror'];
const run = spawnSync(cc, [...flags, '-o', out, 'native/spawner.c'], { stdio: install ? ['ignore', 'ignore', 'pipe'] : 'inherit' });
if (run.error !== undefined || run.status !== 0) {
  const why = run.error?.code === 'ENOENT' ? `no C compiler (${cc})` : (run.error?.message ?? `${cc} exited with status ${run.status}`);
  const who = install ? 'procs install' : 'procs build';
  console.warn(`${who}: the spawner was not built (${why}); units will start through Node's child_process.`);
}
