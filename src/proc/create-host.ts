// Choosing the process host, once: the spawner when it is built for this machine and not turned
// off (PROCS_SPAWNER=node), else Node's child_process. `spawnerStatus` says which and why, for
// `procs doctor` and `procs --version --verbose`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { HostOptions } from './host-base.js';
import type { ProcessHost } from './host.js';
import { NodeHost } from './node-host.js';
import { SpawnerHost } from './spawner-host.js';
import { SPAWNER_BINARY, spawnerBinary } from './spawner.js';

export type { HostOptions } from './host-base.js';

/** A new process host, with state of its own. */
export function createHost(opts: HostOptions = {}): ProcessHost {
  const binary = spawnerBinary();
  return binary === undefined ? new NodeHost(opts) : new SpawnerHost(binary, opts);
}

/** Which way units start here: through the spawner (`binary`) or child_process, and why. */
export interface SpawnerStatus {
  readonly binary?: string;
  /** Units start through Node's child_process because it was asked for (PROCS_SPAWNER=node). */
  readonly chosen: boolean;
  readonly why: string;
}

/** What createHost() picks here, and why. */
export function spawnerStatus(): SpawnerStatus {
  const binary = spawnerBinary();
  if (binary !== undefined) return { binary, chosen: false, why: `the spawner ${binary}` };
  if (process.env.PROCS_SPAWNER === 'node') return { chosen: true, why: "Node's child_process (PROCS_SPAWNER=node)" };
  if (process.platform !== 'linux') return { chosen: false, why: `Node's child_process (no spawner on ${process.platform})` };
  const path = process.env.PROCS_SPAWNER?.startsWith('/') === true ? process.env.PROCS_SPAWNER : SPAWNER_BINARY;
  const why = existsSync(path) ? 'cannot be used' : 'was not built (no C compiler where procs was built or installed?)';
  return { chosen: false, why: `Node's child_process: the spawner ${path} ${why}` };
}

/**
 * Starts the spawner once and waits for its ready line: undefined when it runs here, else why
 * not (it cannot be executed, or exits or stays silent instead). It is stopped at once, and
 * the promise settles once it is gone.
 */
export function probeSpawner(binary: string, timeoutMs = 3000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(binary, [], { stdio: ['pipe', 'ignore', 'ignore', 'pipe'] });
    let answer: string | undefined | null = null;
    const settle = (why: string | undefined): void => {
      if (answer !== null) return;
      answer = why;
      clearTimeout(timer);
      child.stdin?.end();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => settle(`it did not answer within ${timeoutMs} ms`), timeoutMs);
    child.stdin?.on('error', () => undefined);
    child.stdio[3]?.once('data', () => settle(undefined));
    child.once('error', (err: NodeJS.ErrnoException) => {
      settle(`it cannot be started (${err.code ?? err.message})`);
      resolve(answer ?? undefined);
    });
    child.once('close', (code, signal) => {
      settle(`it exited at once (${signal ?? `status ${code}`})`);
      resolve(answer ?? undefined);
    });
  });
}
