// `procs/listen`: loaded into a Node program (`--require` or `--import`, or NODE_OPTIONS), it lets
// the program's own listen() take a listening TCP socket it inherited, so that a restart drops no
// connection. The sockets come from procs (PROCS_LISTEN="3=[::]:3000,4=127.0.0.1:9229", fd=HOST:PORT,
// seen through wrappers such as `npm start` too) or from systemd's socket activation (LISTEN_FDS and
// LISTEN_PID, when LISTEN_PID is this process). A listen() on the port of an inherited socket becomes
// listen({ fd }); each socket is taken once. On SIGTERM or SIGINT, when the program has no handler of
// its own, the servers that took one stop accepting, finish what they have, and the signal is raised
// again. Without those variables this file does nothing. It imports nothing but Node's builtins, and
// those only when there is something to do.
import type { Server } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

type Listen = (this: Server, ...args: unknown[]) => Server;

/** An inherited socket: its fd, and the port procs says it is bound to (undefined: read it). */
interface Inherited {
  readonly fd: number;
  readonly port: number | undefined;
}

/** How long idle HTTP connections are left alone after the signal: a request may be on its way. */
const IDLE_GRACE_MS = 150;
/** How often idle HTTP connections are closed after that. */
const IDLE_EVERY_MS = 100;
const DRAIN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type DrainSignal = (typeof DRAIN_SIGNALS)[number];

/** The sockets this process may take, from the environment (systemd's variables removed when they are its). */
function inheritedSockets(env: NodeJS.ProcessEnv): Inherited[] {
  const out = new Map<number, Inherited>();
  for (const entry of (env.PROCS_LISTEN ?? '').split(',')) {
    const m = /^(\d+)=(?:\[[^\]]*\]|[^:]*):(\d+)$/.exec(entry.trim());
    if (m === null) continue;
    const fd = Number(m[1]);
    const port = Number(m[2]);
    if (fd >= 3 && port > 0 && port < 65536) out.set(fd, { fd, port });
  }
  if (env.LISTEN_PID !== undefined && env.LISTEN_PID === String(process.pid)) {
    const count = Number(env.LISTEN_FDS);
    // Like sd_listen_fds(1): the variables are this process's, not its children's.
    delete env.LISTEN_FDS;
    delete env.LISTEN_PID;
    delete env.LISTEN_FDNAMES;
    if (Number.isInteger(count) && count > 0) {
      for (let fd = 3; fd < 3 + count; fd++) if (!out.has(fd)) out.set(fd, { fd, port: undefined });
    }
  }
  return [...out.values()];
}

/** Listening TCP sockets of this network namespace: socket inode → local port, or undefined without /proc. */
function listeningPorts(): Map<string, number> | undefined {
  const fs = process.getBuiltinModule('node:fs');
  const ports = new Map<string, number>();
  let read = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'latin1');
    } catch {
      continue;
    }
    read = true;
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; st 0A is LISTEN.
      const local = f[1];
      const inode = f[9];
      if (local === undefined || inode === undefined || f[3] !== '0A') continue;
      ports.set(inode, parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
    }
  }
  return read ? ports : undefined;
}

/** fd → port of the inherited sockets that are still open listening TCP sockets. */
function verified(candidates: readonly Inherited[]): Map<number, number> {
  const fs = process.getBuiltinModule('node:fs');
  const out = new Map<number, number>();
  const ports = listeningPorts();
  for (const { fd, port } of candidates) {
    try {
      if (!fs.fstatSync(fd).isSocket()) continue;
      if (ports === undefined) {
        // No /proc to read: trust procs' word, never guess.
        if (port !== undefined) out.set(fd, port);
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`));
      const bound = m?.[1] === undefined ? undefined : ports.get(m[1]);
      if (bound !== undefined && (port === undefined || port === bound)) out.set(fd, bound);
    } catch {
      // Closed, or not ours to read: not inherited.
    }
  }
  return out;
}

/** A TCP port as listen() would read it, or undefined when it is no positive port. */
function asPort(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

/** What a listen() call asks for, when it is a TCP port: the port, the backlog, the callback and the AbortSignal. */
function tcpRequest(args: readonly unknown[]): { port: number; backlog?: number; signal?: unknown; callback?: unknown } | undefined {
  const last = args[args.length - 1];
  const callback = typeof last === 'function' ? last : undefined;
  const first = args[0];
  if (typeof first === 'object' && first !== null) {
    const o = first as Record<string, unknown>;
    if (o.fd !== undefined || o.path !== undefined || o.handle !== undefined || o._handle !== undefined) return undefined;
    const port = asPort(o.port);
    if (port === undefined) return undefined;
    return { port, backlog: typeof o.backlog === 'number' ? o.backlog : undefined, signal: o.signal, callback };
  }
  if (typeof first !== 'number' && typeof first !== 'string') return undefined;
  const port = asPort(first);
  if (port === undefined) return undefined;
  const backlog = typeof args[1] === 'string' ? args[2] : args[1];
  return { port, backlog: typeof backlog === 'number' ? backlog : undefined, callback };
}

/** The drain of the servers that took a socket, armed by the first one. */
class Drain {
  private readonly servers = new Set<Server>();
  /** Responses not yet sent, per HTTP server: they get `Connection: close` once the drain starts. */
  private readonly open = new Set<ServerResponse>();
  private draining = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly handlers = new Map<DrainSignal, () => void>();

  add(server: Server): void {
    if (this.servers.size === 0) {
      for (const sig of DRAIN_SIGNALS) {
        const handler = (): void => this.signalled(sig);
        this.handlers.set(sig, handler);
        process.on(sig, handler);
      }
    }
    this.servers.add(server);
    if (isHttp(server)) {
      server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
        if (this.draining) {
          res.shouldKeepAlive = false;
          return;
        }
        this.open.add(res);
        res.once('close', () => this.open.delete(res));
      });
    }
  }

  private signalled(sig: DrainSignal): void {
    // The program's own handler decides; a second signal while draining adds nothing.
    if (process.listenerCount(sig) > 1 || this.draining) return;
    this.draining = true;
    for (const res of this.open) if (!res.headersSent) res.shouldKeepAlive = false;
    this.open.clear();
    const net = process.getBuiltinModule('node:net');
    let left = this.servers.size;
    const closed = (): void => {
      if (--left === 0) this.finish(sig);
    };
    for (const server of this.servers) {
      // net's close, not http's: that one closes idle connections at once, and a connection whose
      // request is not read yet looks idle.
      net.Server.prototype.close.call(server, closed);
    }
    this.timer = setTimeout(() => {
      this.closeIdle();
      this.timer = setInterval(() => this.closeIdle(), IDLE_EVERY_MS).unref();
    }, IDLE_GRACE_MS).unref();
  }

  private closeIdle(): void {
    for (const server of this.servers) if (isHttp(server)) server.closeIdleConnections();
  }

  private finish(sig: DrainSignal): void {
    clearTimeout(this.timer);
    for (const [s, handler] of this.handlers) process.removeListener(s, handler);
    // As if this file were not here: the default action, unless the program took the signal since.
    process.kill(process.pid, sig);
  }
}

interface HttpLike extends Server {
  closeIdleConnections(): void;
}
const isHttp = (server: Server): server is HttpLike => typeof (server as Partial<HttpLike>).closeIdleConnections === 'function';

function install(candidates: readonly Inherited[]): void {
  const net = process.getBuiltinModule('node:net');
  const proto = net.Server.prototype as unknown as { listen: Listen };
  const listen = proto.listen;
  let available: Map<number, number> | undefined;
  const drain = new Drain();
  /** The fd of an inherited socket on `port`, taken: no other server gets it. */
  const take = (port: number): number | undefined => {
    available ??= verified(candidates);
    for (const [fd, bound] of available) {
      if (bound !== port) continue;
      available.delete(fd);
      return fd;
    }
    return undefined;
  };
  proto.listen = function (this: Server, ...args: unknown[]): Server {
    // A server that listens already gets listen()'s own error, and takes no socket.
    const request = this.listening ? undefined : tcpRequest(args);
    const fd = request === undefined ? undefined : take(request.port);
    if (request === undefined || fd === undefined) return listen.apply(this, args);
    const options: Record<string, unknown> = { fd };
    if (request.backlog !== undefined) options.backlog = request.backlog;
    if (request.signal !== undefined) options.signal = request.signal;
    drain.add(this);
    return request.callback === undefined ? listen.call(this, options) : listen.call(this, options, request.callback);
  };
}

if (process.env.PROCS_LISTEN !== undefined || process.env.LISTEN_FDS !== undefined) {
  const candidates = inheritedSockets(process.env);
  if (candidates.length > 0) install(candidates);
}
