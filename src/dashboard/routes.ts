// The dashboard's requests (protocol.ts lists them): each one checked first (security.ts), then
// answered from the project's ControlApi, the unit log files or the page's files. Actions go
// through the same ControlApi calls as the control socket's, with the same answers and errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ControlError, type ControlApi } from '../control/api.js';
import { answering, countMap, readJson, sendJson, stringList } from '../control/wire.js';
import type { Graph } from '../output/graph.js';
import type { Assets } from './assets.js';
import { parseLogQuery, queryLogs, resolveNames } from './logs.js';
import { ACTION_HEADER, type DashboardState } from './protocol.js';
import { exchangeToken, foreignRequest, hasSession, hostNames, LOGIN_PAGE, SECURITY_HEADERS } from './security.js';
import { serveStream, type StreamContext } from './stream.js';

export interface RouteContext {
  readonly port: number;
  readonly token: string;
  readonly api: ControlApi;
  readonly assets: Assets;
  readonly logsDir: string;
  readonly stream: StreamContext;
  graph(): Graph;
  logsWritten(): Promise<void>;
  /** A `down` was answered by the project: the server is about to close. */
  down(res: ServerResponse): () => void;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** An error answer with its own status (the control API's shape: `{ error: { code, message, details } }`). */
function refuse(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ error: { code, message, details: [] } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The request's target as a URL; one that is not a path is a bad request. */
function requestUrl(target: string | undefined): URL {
  const t = target ?? '/';
  const bad = (): ControlError => new ControlError('bad-request', `not a request path: ${JSON.stringify(t.slice(0, 200))}`);
  if (!t.startsWith('/') || t.startsWith('//')) throw bad();
  try {
    return new URL(t, 'http://127.0.0.1');
  } catch {
    throw bad();
  }
}

/** The function a server calls with each request. */
export function requestHandler(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse) => void {
  const hosts = hostNames(ctx.port);
  const api = ctx.api;
  const action =
    (fn: (body: Record<string, unknown>) => Promise<unknown>): Handler =>
    async (req, res) => {
      sendJson(res, 200, await fn(await readJson(req)));
    };
  const gets: Record<string, Handler> = {
    '/': async (_req, res) => ctx.assets.page(res),
    '/api/state': async (_req, res) => sendJson(res, 200, await state(ctx)),
    '/api/stream': async (req, res) => serveStream(req, res, ctx.stream),
    '/api/logs': async (_req, res, url) => {
      const units = resolveNames(url.searchParams.getAll('unit'), await api.status());
      const query = parseLogQuery(url.searchParams, units);
      await ctx.logsWritten();
      sendJson(res, 200, await queryLogs(ctx.logsDir, query));
    },
  };
  const posts: Record<string, Handler> = {
    '/api/start': action(async (b) => api.start(stringList(b, 'units'))),
    '/api/stop': action(async (b) => api.stop(stringList(b, 'units'))),
    '/api/restart': action(async (b) => api.restart(stringList(b, 'units'))),
    '/api/scale': action(async (b) => api.scale(countMap(b, 'pools') ?? {})),
    '/api/reload': action(async () => api.reload({})),
    '/api/down': async (req, res) => {
      await readJson(req);
      const done = ctx.down(res);
      try {
        await api.down({});
      } finally {
        done();
      }
      if (!res.headersSent) sendJson(res, 200, { done: true });
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const foreign = foreignRequest(req, hosts);
    if (foreign !== undefined) return refuse(res, 403, 'denied', foreign);
    const url = requestUrl(req.url);
    const path = url.pathname;
    const isApi = path === '/api' || path.startsWith('/api/');
    if (isApi) res.setHeader('cache-control', 'no-store');
    if (exchangeToken(req, res, url, ctx.port, ctx.token)) return;
    if (!hasSession(req, ctx.port, ctx.token)) {
      if (isApi) return refuse(res, 401, 'denied', 'not signed in: open the URL that procs dashboard prints');
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(LOGIN_PAGE) });
      res.end(LOGIN_PAGE);
      return;
    }
    const method = req.method ?? 'GET';
    const post = posts[path];
    if (post) {
      if (method !== 'POST') return refuse(res, 405, 'bad-request', `${path} changes the project: only POST is taken`, { allow: 'POST' });
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') return refuse(res, 415, 'bad-request', 'an action takes a JSON body (content-type: application/json)');
      if (req.headers[ACTION_HEADER] === undefined) return refuse(res, 403, 'denied', `an action needs the ${ACTION_HEADER} header`);
      return post(req, res, url);
    }
    const get = gets[path] ?? (path.startsWith('/assets/') ? assetRoute(ctx.assets, path.slice('/assets/'.length)) : undefined);
    if (!get) return refuse(res, 404, 'bad-request', `no such request: ${method} ${path.slice(0, 200)}`);
    const head = method === 'HEAD' && !isApi;
    if (method !== 'GET' && !head) return refuse(res, 405, 'bad-request', `${path} takes GET only`, { allow: isApi ? 'GET' : 'GET, HEAD' });
    return get(req, res, url);
  };

  return answering(handle);
}

/** `/assets/NAME`: a file of the page's folder, or 404. */
function assetRoute(assets: Assets, name: string): Handler {
  return async (_req, res) => {
    if (!(await assets.asset(res, name))) refuse(res, 404, 'bad-request', 'no such file');
  };
}

/** GET /api/state. */
async function state(ctx: RouteContext): Promise<DashboardState> {
  const [status, usage, why] = await Promise.all([ctx.api.status(), ctx.api.usage().catch(() => null), ctx.api.why([])]);
  return { status, usage, why: why.units, graph: ctx.graph() };
}
