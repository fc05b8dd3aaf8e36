// The process host with the spawner (native/spawner.c, through spawner.ts): units start through
// it, and it guards their groups. It starts at the first spawn; when it cannot run here, or once
// it is gone, units start through Node's child_process and the shell guardian, as in node-host.ts.
import { realClock } from '../base/clock.js';
import { HostBase, type HostOptions } from './host-base.js';
import { launchNode, type NodeLaunchParts } from './launch-node.js';
import { launchViaSpawner } from './launch-spawner.js';
import { ListenSockets } from './listen-sockets.js';
import type { FifoPool } from './output-pipes.js';
import type { Launched, LaunchRequest } from './spawn.js';
import { SpawnerClient } from './spawner.js';

export class SpawnerHost extends HostBase {
  readonly backend = 'spawner' as const;
  readonly #spawner: SpawnerClient;
  readonly #parts: NodeLaunchParts;
  readonly #sockets: ListenSockets;

  /** `binary`: the spawner to run (spawnerBinary() finds it). */
  constructor(binary: string, opts: HostOptions = {}) {
    super(opts);
    this.#spawner = new SpawnerClient(binary, this.record);
    this.#sockets = new ListenSockets(this.#spawner);
    this.#parts = {
      pipes: this.#spawner.pool,
      channels: this.channels,
      guardGroup: (pgid) => this.guardGroup(pgid),
      forgetGroup: (pgid) => this.record.forget(pgid),
    };
  }

  protected get listenSockets(): ListenSockets {
    return this.#sockets;
  }

  protected get pipes(): FifoPool {
    return this.#spawner.pool;
  }

  launch(req: LaunchRequest): Launched {
    const clock = req.clock ?? realClock;
    const started = clock.now();
    if (this.#spawner.available()) {
      const viaSpawner = launchViaSpawner(this.#spawner, this.channels, req, clock, started);
      if (viaSpawner !== undefined) return viaSpawner;
    }
    return launchNode(this.#parts, req, clock, started);
  }

  protected spawnerGuard(line: string): boolean {
    return this.#spawner.guard(line);
  }

  spawnerPid(): number | undefined {
    return this.#spawner.pid();
  }

  // The spawner guards the command when there is one (it is started for that if need be), else the shell guardian.
  guardCommand(pid: number, leadsGroup: boolean): void {
    const line = leadsGroup ? `g ${pid}\n` : `p ${pid}\n`;
    if (this.#spawner.available() && this.#spawner.guard(line)) return;
    this.guardCommandWithShell(line);
  }
}
