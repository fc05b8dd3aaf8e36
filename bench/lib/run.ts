// One measured run: a scratch folder, a token every started process inherits, a marker FIFO,
// and a cleanup that kills everything carrying the token, on success, on error and on exit.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Markers } from './markers.js';
import { killToken, signal, tokenProcs } from './procfs.js';
import { TMP } from './paths.js';
import type { LaunchOptions, Running, Tool } from './tools.js';

export interface RunContext {
  readonly dir: string;
  readonly token: string;
  readonly markers: Markers;
  /** Launches `tool` in this run's folder with this run's token. */
  launch(tool: Tool, o: Omit<LaunchOptions, 'dir' | 'token'>): Running;
}

const live = new Set<string>();

// Last resort: a harness that exits or is interrupted still kills what it started.
function killLiveNow(): void {
  for (const token of live) for (const p of tokenProcs(token)) signal(p.pid, 'SIGKILL');
}
process.once('exit', killLiveNow);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    killLiveNow();
    process.exit(130);
  });
}

/** Runs `fn` in a fresh run context; whatever happens, kills every process of the run after. */
export async function withRun<T>(label: string, fn: (ctx: RunContext) => Promise<T>): Promise<T> {
  const token = randomBytes(6).toString('hex');
  const dir = join(TMP, 'runs', `${label.replace(/[^\w.-]+/g, '_')}-${token}`);
  mkdirSync(dir, { recursive: true });
  live.add(token);
  const markers = new Markers(join(dir, 'ready.fifo'));
  const ctx: RunContext = { dir, token, markers, launch: (tool, o) => tool.launch({ ...o, dir, token }) };
  try {
    return await fn(ctx);
  } finally {
    await killToken(token);
    live.delete(token);
    markers.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
