// The process host without the spawner (PROCS_SPAWNER=node, no built binary, not Linux): units
// start through Node's child_process and the shell guardian guards their groups.
import { realClock } from '../base/clock.js';
import { HostBase, type HostOptions } from './host-base.js';
import { launchNode, type NodeLaunchParts } from './launch-node.js';
import { ListenSockets } from './listen-sockets.js';
import { FifoPool } from './output-pipes.js';
import type { Launched, LaunchRequest } from './spawn.js';

export class NodeHost extends HostBase {
  readonly backend = 'node' as const;
  readonly #pipes = new FifoPool();
  readonly #parts: NodeLaunchParts;

  constructor(opts: HostOptions = {}) {
    super(opts);
    this.#parts = { pipes: this.#pipes, channels: this.channels, guardGroup: (pgid) => this.guardGroup(pgid), forgetGroup: (pgid) => this.record.forget(pgid) };
  }

  readonly #sockets = new ListenSockets(undefined);

  protected get listenSockets(): ListenSockets {
    return this.#sockets;
  }

  protected get pipes(): FifoPool {
    return this.#pipes;
  }

  launch(req: LaunchRequest): Launched {
    return launchNode(this.#parts, req, req.clock ?? realClock);
  }

  protected spawnerGuard(): boolean {
    return false;
  }

  spawnerPid(): undefined {
    return undefined;
  }

  guardCommand(pid: number, leadsGroup: boolean): void {
    this.guardCommandWithShell(leadsGroup ? `g ${pid}\n` : `p ${pid}\n`);
  }
}
