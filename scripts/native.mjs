// Compiles the spawner (native/spawner.c) into dist/bin/procs-spawner, the program procs starts
// its units through (src/proc/spawner.ts). Without a C compiler procs still works, starting
// units through Node's child_process (slower with many units); the build says so and goes on.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';

const out = 'dist/bin/procs-spawner';
const cc = process.env.CC || 'cc';
mkdirSync('dist/bin', { recursive: true });
rmSync(out, { force: true });
const run = spawnSync(cc, ['-O2', '-Wall', '-Wextra', '-Werror', '-o', out, 'native/spawner.c'], { stdio: 'inherit' });
if (run.error !== undefined || run.status !== 0) {
  const why = run.error?.message ?? `${cc} exited with status ${run.status}`;
  console.warn(`procs build: the spawner was not built (${why}); units will start through Node's child_process.`);
}
