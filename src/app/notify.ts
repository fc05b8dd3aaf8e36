// The project's notify socket: opened (by the helper in proc/notify.ts) only when a unit has
// `readiness: { notify: true }` or a `watchdog`, at `.procs/notify.sock` (or a private folder when
// that path is too long); each message goes to the supervisor, which takes it from the current
// run of the unit whose process group sent it and ignores any other sender. Units that listen
// get NOTIFY_SOCKET, and WATCHDOG_USEC with a watchdog. WATCHDOG_PID is not set: a unit's pid is
// often a shell's, and sd_notify libraries turn the watchdog off in any other process when it is.
import type { Spec, UnitSpec } from '../config/spec.js';
import { NotifySocket, type NotifySender } from '../proc/notify.js';
import { notifySocketFor, projectPaths, removeFallbackDir } from '../rundir/paths.js';
import { announces, parseNotify, type NotifyFields } from '../runtime/notify.js';

export class ProjectNotify {
  #socket: NotifySocket | undefined;
  #fallback = false;

  constructor(
    private readonly deliver: (sender: NotifySender, fields: NotifyFields) => void,
    private readonly warn: (text: string) => void,
  ) {}

  /** Opens the socket when `spec` has a unit that listens (once); resolves when it is bound or failed to. */
  async open(spec: Spec): Promise<void> {
    if (!this.#socket && spec.units.some(announces)) {
      let where: { path: string; fallback: boolean };
      try {
        where = notifySocketFor(projectPaths(spec.root));
      } catch (e) {
        this.warn(`cannot make a folder for the notify socket (${e instanceof Error ? e.message : String(e)}); notify readiness and watchdogs will not work`);
        return;
      }
      this.#fallback = where.fallback;
      this.#socket = new NotifySocket(where.path, (sender, text) => this.deliver(sender, parseNotify(text)));
    }
    await this.#socket?.bound.catch((e: unknown) => {
      this.warn(`cannot serve the notify socket (${e instanceof Error ? e.message : String(e)}); notify readiness and watchdogs will not work`);
    });
  }

  /** What a unit's run gets beyond its spec's environment. */
  env(unit: UnitSpec): Record<string, string> | undefined {
    if (!this.#socket || !announces(unit)) return undefined;
    return {
      NOTIFY_SOCKET: this.#socket.path,
      ...(unit.watchdogMs === undefined ? {} : { WATCHDOG_USEC: String(unit.watchdogMs * 1000) }),
    };
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    await socket.close();
    if (this.#fallback) removeFallbackDir(socket.path);
  }
}
