// `listen:` units' sockets: bound once by the spawner (native/spawner.c holds them) and passed to
// every run as fd 3…, so that connections wait in the kernel's queue while a unit restarts. A
// process's sockets are its own; a pool's are shared by its instances. They stay open across
// restarts and rebuilds, and close when the owner is let go of (stopped for good, failed, removed)
// or its addresses change.
import { boundText, listenVars } from '../config/listen.js';
import type { ListenAddress, ListenSpec } from '../config/spec.js';
import { LISTEN_PRELOAD } from '../self.js';
import { portHolder, portInUse } from './ports.js';

/** Binds and closes the held sockets: the spawner's `B` and `C` requests. */
export interface SocketBinder {
  /** The port bound, or the errno; undefined when there is no spawner to hold sockets. */
  bind(id: string, host: string, port: number, backlog: number): { port: number } | { errno: string } | undefined;
  unbind(id: string): void;
}

/** What a run gets: the held sockets' ids (fd 3 onwards) and its variables. */
export interface ListenGrant {
  readonly ids: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

// A path for NODE_OPTIONS, quoted when it holds a space or a quote.
function optionPath(path: string): string {
  return /[\s"\\]/.test(path) ? `"${path.replace(/(["\\])/g, '\\$1')}"` : path;
}

/**
 * The variables of a run with `spec`'s sockets: LISTEN_FDS and LISTEN_FDNAMES (LISTEN_PID is
 * set by the spawner in the child), and procs' own (`listenVars`) with the preload's path.
 */
export function listenEnv(spec: ListenSpec, env: Readonly<Record<string, string>>): Record<string, string> {
  return {
    LISTEN_FDS: String(spec.addresses.length),
    LISTEN_FDNAMES: spec.addresses.map(() => spec.owner).join(':'),
    ...listenVars(spec, env, optionPath(LISTEN_PRELOAD)),
  };
}

export class ListenSockets {
  readonly #binder: SocketBinder | undefined;
  /** Held sockets by owner: the addresses they were bound for, and their ids. */
  readonly #held = new Map<string, { readonly key: string; readonly ids: readonly string[] }>();

  /** `binder`: the spawner; undefined where units start through Node (no socket can be held). */
  constructor(binder: SocketBinder | undefined) {
    this.#binder = binder;
  }

  /**
   * The sockets of `spec`, bound now unless they are held already: the ids and variables for a
   * run, or why they cannot be had (`unitOf` names a unit of this project holding a pid).
   */
  grant(spec: ListenSpec, env: Readonly<Record<string, string>>, unitOf: (pid: number) => string | undefined): ListenGrant | string {
    const key = JSON.stringify([spec.addresses, spec.backlog]);
    const held = this.#held.get(spec.owner);
    if (held?.key === key) return { ids: held.ids, env: listenEnv(spec, env) };
    if (held !== undefined) this.release(spec.owner);
    const binder = this.#binder;
    const ids: string[] = [];
    for (const [i, a] of spec.addresses.entries()) {
      const id = `${spec.owner}/${i}`;
      const got = binder?.bind(id, a.host, a.port, spec.backlog);
      if (got !== undefined && 'port' in got) {
        ids.push(id);
        continue;
      }
      for (const done of ids) binder?.unbind(done);
      if (got === undefined) {
        return 'listen: needs procs-spawner, which is not running here (procs was built without a C compiler, or PROCS_SPAWNER=node); procs doctor says more';
      }
      return `listen: cannot listen on ${boundText(a)}: ${bindError(got.errno, a, unitOf)}`;
    }
    this.#held.set(spec.owner, { key, ids });
    return { ids, env: listenEnv(spec, env) };
  }

  /** Closes the sockets of `owner` (a process or a pool), if held. */
  release(owner: string): void {
    const held = this.#held.get(owner);
    if (held === undefined) return;
    this.#held.delete(owner);
    for (const id of held.ids) this.#binder?.unbind(id);
  }

  /** The owners whose sockets are held. */
  owners(): string[] {
    return [...this.#held.keys()];
  }
}

// Why a bind failed, in words.
function bindError(errno: string, a: ListenAddress, unitOf: (pid: number) => string | undefined): string {
  switch (errno) {
    case 'EADDRINUSE': {
      const holder = portHolder(a.port);
      return holder === undefined ? `port ${a.port} is in use` : portInUse(holder, unitOf);
    }
    case 'EACCES':
      return `permission denied (ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL':
      return `${a.host} is not an address of this machine`;
    default:
      return errno;
  }
}
