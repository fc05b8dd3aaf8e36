// The control socket's HTTP server: a thin map from routes to the ControlApi. JSON in and out;
// `logs`, `events` and `down` answer with NDJSON streams (the first line of a feed says it is
// subscribed, so a client knows from when on it sees everything).
//
//   GET  /v1/status                 → ProjectStatus
//   GET  /v1/started                → NDJSON { subscribed }, then { started: true } once the units are spawned
//   POST /v1/start|stop|restart     { units }            → UnitsResult
//   POST /v1/scale                  { pools: {name: n} } → ScaleResult
//   POST /v1/reload                 ReloadRequest        → ReloadResult
//   POST /v1/down                   { timeoutMs? }       → NDJSON events, then { done: true, pid }
//   GET  /v1/logs?unit=a&unit=b     → NDJSON { subscribed }, then LiveBatch lines
//   GET  /v1/tail?unit=a&lines=10   → TailResult: each unit's last lines, from memory
//   GET  /v1/events                 → NDJSON { subscribed }, then events
//   GET  /v1/why?unit=a             → WhyResult: why each unit is in its state
//   GET  /v1/usage                  → UsageResult: CPU and memory of each running unit's tree
//   POST /v1/dashboard              { port? }            → DashboardInfo: the web dashboard's URL
//   GET  /v1/attach?unit=a          upgraded to frames both ways (attach-server.ts)
import type { Duplex } from 'node:stream';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createSocketServer, type Server as SocketServer } from 'node:net';
import { ControlError, type ControlApi, type Feed } from './api.js';
import { ATTACH_PATH, ATTACH_PROTOCOL, serveAttach } from './attach-server.js';
import { answering, countMap, DEADLINE_HEADER, NdjsonStream, readJson, sendError, sendJson, Streams, stringList } from './wire.js';

export interface ControlServer {
  readonly server: Server;
  /** Ends every open feed (the project is going away). */
  endFeeds(): void;
}

type Send = (value: unknown, lines: number) => void;
type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** An HTTP server answering the control API of `api`. */
export function createControlServer(api: ControlApi): ControlServer {
  const feeds = new Set<{ feed: Feed; stream: NdjsonStream }>();
  const streams = new Streams();
  const json =
    (fn: (body: Record<string, unknown>) => Promise<unknown>): Handler =>
    async (req, res) => {
      sendJson(res, 200, await fn(await readJson(req)));
    };
  const feedRoute =
    (open: (url: URL, send: Send) => Feed): Handler =>
    async (_req, res, url) => {
      const out: { stream?: NdjsonStream } = {};
      // Opening may refuse (an unknown unit) before anything is sent: then the answer is an error.
      const feed = open(url, (value, lines) => out.stream?.write(value, lines));
      const stream = (out.stream = new NdjsonStream(
        res,
        (dropped) => ({ ts: new Date().toISOString(), unit: 'procs', stream: 'stderr', text: '', dropped }),
        streams,
      ));
      const entry = { feed, stream };
      feeds.add(entry);
      res.on('close', () => {
        feed.close();
        feeds.delete(entry);
      });
      await feed.ready;
      stream.write({ subscribed: true });
      await feed.ended;
      feeds.delete(entry);
      stream.end();
    };
  const routes: Record<string, Handler> = {
    'GET /v1/status': async (_req, res) => sendJson(res, 200, await api.status()),
    'GET /v1/started': async (_req, res) => started(api, res, streams),
    'POST /v1/start': json(async (b) => api.start(stringList(b, 'units'))),
    'POST /v1/stop': json(async (b) => api.stop(stringList(b, 'units'))),
    'POST /v1/restart': json(async (b) => api.restart(stringList(b, 'units'))),
    'POST /v1/scale': json(async (b) => api.scale(countMap(b, 'pools') ?? {})),
    'POST /v1/reload': json(async (b) => api.reload(reloadRequest(b))),
    'POST /v1/down': async (req, res) => down(api, req, res, streams),
    'GET /v1/tail': async (_req, res, url) => sendJson(res, 200, await api.tail(url.searchParams.getAll('unit'), linesParam(url))),
    'GET /v1/logs': feedRoute((url, send) => api.logs(url.searchParams.getAll('unit'), (b) => send(b, lineCount(b.text)))),
    'GET /v1/events': feedRoute((_url, send) => api.events((e) => send(e, 1))),
    'GET /v1/usage': async (_req, res) => sendJson(res, 200, await api.usage()),
    'POST /v1/dashboard': json(async (b) => api.dashboard(dashboardRequest(b))),
    'GET /v1/why': async (_req, res, url) => sendJson(res, 200, await api.why(url.searchParams.getAll('unit'))),
    [`GET ${ATTACH_PATH}`]: async () => {
      throw new ControlError('bad-request', `attach needs connection: Upgrade and upgrade: ${ATTACH_PROTOCOL}`);
    },
  };
  const server = process.getBuiltinModule('node:http').createServer(answering((req, res) => handle(req, res)));
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // A client that gave up waiting (a frozen project, resumed) must not find its `stop` or
    // `down` carried out after all: past the deadline it set, a request does nothing.
    const deadline = Number(req.headers[DEADLINE_HEADER]);
    if (Number.isFinite(deadline) && deadline > 0 && Date.now() > deadline)
      throw new ControlError('no-answer', 'the request arrived after its client stopped waiting; nothing was done');
    const url = requestUrl(req.url);
    const route = routes[`${req.method ?? 'GET'} ${url.pathname}`];
    if (!route) throw new ControlError('bad-request', `no such request: ${req.method} ${url.pathname}`);
    await route(req, res, url);
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => serveAttach(api, req, socket, head));
  // A request line or header that is not HTTP: answered 400 when the connection still takes it.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  return {
    server,
    endFeeds() {
      for (const { feed } of feeds) feed.close();
    },
  };
}

/** The control API on a socket, node:http loaded when the first client connects. */
export interface ControlListener {
  /** What listens on the socket. */
  readonly listener: SocketServer;
  /** Stops listening and closes the idle connections; open streams end with their feeds. */
  close(): void;
}

/**
 * The control server behind a plain socket server: node:http (1.3 MB resident, with the modules
 * it loads) is taken when the first client connects, so a project nobody asks about does not
 * carry it. Each connection is handed to the HTTP server, which never listens itself.
 */
export function createControlListener(api: ControlApi): ControlListener {
  let http: Server | undefined;
  const listener = createSocketServer((socket) => {
    if (!http) {
      http = createControlServer(api).server;
      // Node starts an HTTP server's check of its header and request timeouts on 'listening'.
      http.emit('listening');
    }
    http.emit('connection', socket);
  });
  return {
    listener,
    close() {
      listener.close();
      if (!http) return;
      http.close();
      http.closeIdleConnections();
    },
  };
}

/**
 * `started`: answered at once (a stream, so a client's timeout covers only that), then one line
 * `{ started: true }` once the project has spawned its units.
 */
async function started(api: ControlApi, res: ServerResponse, streams: Streams): Promise<void> {
  const stream = new NdjsonStream(res, () => ({}), streams);
  stream.write({ subscribed: true });
  await api.started();
  stream.write({ started: true });
  stream.end();
}

/** `down`: streams the stop events, then `{ done: true, pid }` once every unit and file is gone. */
async function down(api: ControlApi, req: IncomingMessage, res: ServerResponse, streams: Streams): Promise<void> {
  const body = await readJson(req);
  const t = body.timeoutMs;
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t < 0))
    throw new ControlError('bad-request', 'timeoutMs must be a number of milliseconds');
  const stream = new NdjsonStream(res, () => ({}), streams);
  try {
    await api.down(typeof t === 'number' ? { timeoutMs: t } : {}, (e) => stream.write(e));
    stream.write({ done: true, pid: process.pid });
  } catch (err) {
    sendError(res, err);
    return;
  }
  // The connection closes when this process exits, which tells the client that it is gone.
  res.socket?.unref();
}

/** The request's target as a URL; one that is not a path is a bad request. */
function requestUrl(target: string | undefined): URL {
  const t = target ?? '/';
  if (!t.startsWith('/') || t.startsWith('//')) throw new ControlError('bad-request', `not a request path: ${JSON.stringify(t.slice(0, 200))}`);
  try {
    return new URL(t, 'http://procs');
  } catch {
    throw new ControlError('bad-request', `not a request path: ${JSON.stringify(t.slice(0, 200))}`);
  }
}

/** The body of a reload request, checked. */
function reloadRequest(b: Record<string, unknown>): { files?: string[]; formation?: Record<string, number>; start?: string[]; noDeps?: boolean } {
  const files = b.files === undefined ? undefined : stringList(b, 'files');
  const formation = countMap(b, 'formation');
  const start = b.start === undefined ? undefined : stringList(b, 'start');
  if (files?.some((f) => !f.startsWith('/'))) throw new ControlError('bad-request', 'files must be absolute paths');
  if (b.noDeps !== undefined && typeof b.noDeps !== 'boolean') throw new ControlError('bad-request', 'noDeps must be true or false');
  return { ...(files ? { files } : {}), ...(formation ? { formation } : {}), ...(start ? { start } : {}), ...(b.noDeps === true ? { noDeps: true } : {}) };
}

/** The body of a dashboard request, checked. */
function dashboardRequest(b: Record<string, unknown>): { port?: number } {
  const port = b.port;
  if (port === undefined) return {};
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new ControlError('bad-request', 'port must be a whole number from 1 to 65535');
  return { port };
}

/** `lines=N` of a tail request: a whole number, or absent for every line kept. */
function linesParam(url: URL): number | undefined {
  const v = url.searchParams.get('lines');
  if (v === null) return undefined;
  if (!/^\d{1,6}$/.test(v)) throw new ControlError('bad-request', `lines must be a whole number, got '${v}'`);
  return Number(v);
}

/** Lines in a batch of output, for counting what a slow reader missed. */
function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return Math.max(1, n);
}
