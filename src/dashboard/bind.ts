// Listening on the loopback addresses only: 127.0.0.1, then ::1 on the same port when the host has
// IPv6 (else that one is left out, quietly). Nothing else on the network can reach the dashboard.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ControlError } from '../control/api.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** A server for `handle` that answers garbage with 400 and never throws on it. */
function makeServer(handle: Listener): Server {
  // node:http is taken when a dashboard opens: a project without one does not load it.
  const server = process.getBuiltinModule('node:http').createServer(handle);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

function listenOn(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (err: Error): void => reject(err);
    server.once('error', failed);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

/** Servers on 127.0.0.1:`port` (0: one the kernel picks) and, when it can, [::1] on the same port. */
export async function bindLoopback(handle: Listener, port: number): Promise<{ port: number; servers: Server[] }> {
  const v4 = makeServer(handle);
  await listenOn(v4, '127.0.0.1', port);
  const address = v4.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const v6 = makeServer(handle);
  const servers = [v4];
  try {
    await listenOn(v6, '::1', bound);
    servers.push(v6);
  } catch {
    // no IPv6 loopback here, or the port is taken there: 127.0.0.1 serves alone
  }
  return { port: bound, servers };
}

/** Binds to the port asked for, else the last dashboard's when free, else any. */
export async function bindDashboard(handle: Listener, asked: number | undefined, saved: number | undefined): Promise<{ port: number; servers: Server[] }> {
  if (asked !== undefined) {
    try {
      return await bindLoopback(handle, asked);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new ControlError('bad-request', `port ${asked} is in use: choose another (--port), or none for a free one`);
      if (code === 'EACCES')
        throw new ControlError('bad-request', `port ${asked} is not allowed to this user: choose another (--port), or none for a free one`);
      throw err;
    }
  }
  if (saved !== undefined) {
    try {
      return await bindLoopback(handle, saved);
    } catch {
      // taken since: a new one
    }
  }
  return bindLoopback(handle, 0);
}
