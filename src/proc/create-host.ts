// Choosing the process host, once: the spawner when it is built for this machine and not turned
// off (PROCS_SPAWNER=node), else Node's child_process.
import type { HostOptions } from './host-base.js';
import type { ProcessHost } from './host.js';
import { NodeHost } from './node-host.js';
import { SpawnerHost } from './spawner-host.js';
import { spawnerBinary } from './spawner.js';

export type { HostOptions } from './host-base.js';

/** A new process host, with state of its own. */
export function createHost(opts: HostOptions = {}): ProcessHost {
  const binary = spawnerBinary();
  return binary === undefined ? new NodeHost(opts) : new SpawnerHost(binary, opts);
}
