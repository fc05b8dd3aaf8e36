// Starting the web dashboard of a running project, in the process that serves it (the daemon, a
// foreground `procs up`): an HTTP server on 127.0.0.1 (and ::1) over the project's ControlApi.
// The routes are in routes.ts, the checks every request passes in security.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControlApi } from '../control/api.js';
import { sendJson } from '../control/wire.js';
import type { ProcsEvent } from '../events/types.js';
import type { Graph } from '../output/graph.js';
import { DASHBOARD_ASSETS } from '../self.js';
import { Assets } from './assets.js';
import { bindDashboard } from './bind.js';
import { EventRing, runId } from './events-ring.js';
import { requestHandler, type RouteContext } from './routes.js';
import { newToken, readSettings, saveSettings } from './settings.js';
import { TOKEN_PARAM } from './protocol.js';

/** What the dashboard reads of the project. */
export interface DashboardSource {
  /** The project's controller: every action goes through it, as the CLI's requests do. */
  readonly api: ControlApi;
  /** This run's events so far, oldest first (its `start` event first): the timeline's past. */
  recent(): readonly ProcsEvent[];
  /** The unit log files' folder (`.procs/logs`). */
  readonly logsDir: string;
  /** `.procs/dashboard.json`: the last dashboard's port and token (mode 0600). */
  readonly settingsFile: string;
  /** The dependency graph with each unit's state now. */
  graph(): Graph;
  /** Resolves once the unit log files hold every line read so far. */
  logsWritten(): Promise<void>;
}

export interface DashboardOptions {
  /** The port; absent: the one of the last dashboard of this project when free, else one the kernel picks. */
  readonly port?: number;
  /** The page's folder (index.html and its assets); DASHBOARD_ASSETS unless told (tests). */
  readonly assetsDir?: string;
}

export interface Dashboard {
  /** `http://127.0.0.1:PORT/?token=TOKEN`: what the user opens. */
  readonly url: string;
  readonly port: number;
  /** Stops serving: open streams end, the ports are let go. */
  close(): Promise<void>;
}

/** How long requests still being answered are waited for when the dashboard closes. */
const CLOSE_GRACE_MS = 1000;

/**
 * Serves the dashboard. The token (and the port, unless told) of the project's last dashboard is
 * used again, so a page left open reconnects when the project is started again.
 */
export async function startDashboard(source: DashboardSource, options: DashboardOptions = {}): Promise<Dashboard> {
  const saved = readSettings(source.settingsFile);
  const token = saved.token ?? newToken();
  const status = await source.api.status();
  // The run's events so far, then every later one: taken and subscribed in one go, so none is
  // missed or counted twice.
  const ring = new EventRing(runId(status.started_at), source.recent());
  const events = source.api.events(ring.add);
  const streams = new Set<() => void>();
  const downs = new Set<ServerResponse>();
  let closing = false;
  // Requests are answered once the port is known (the Host check needs it).
  const served: { route?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  let bound: Awaited<ReturnType<typeof bindDashboard>>;
  try {
    bound = await bindDashboard(
      (req, res) => {
        if (closing) res.setHeader('connection', 'close');
        if (served.route) served.route(req, res);
        else res.destroy();
      },
      options.port,
      saved.port,
    );
  } catch (err) {
    events.close();
    throw err;
  }
  const { port, servers } = bound;
  const ctx: RouteContext = {
    port,
    token,
    api: source.api,
    assets: new Assets(options.assetsDir ?? DASHBOARD_ASSETS),
    logsDir: source.logsDir,
    graph: () => source.graph(),
    logsWritten: () => source.logsWritten(),
    down(res) {
      downs.add(res);
      return () => void downs.delete(res);
    },
    stream: {
      api: source.api,
      ring,
      project: status.project,
      logsDir: source.logsDir,
      units: async () => (await source.api.status()).units.map((u) => u.name),
      opened(end) {
        streams.add(end);
        return () => void streams.delete(end);
      },
    },
  };
  served.route = requestHandler(ctx);
  saveSettings(source.settingsFile, { port, token });
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    close: () =>
      (closed ??= (async () => {
        closing = true;
        events.close();
        [...streams].forEach((end) => end());
        // A `down` from the page: the project is going, its units are stopped; say so while the server still can.
        for (const res of downs) {
          if (res.headersSent) continue;
          res.setHeader('connection', 'close');
          sendJson(res, 200, { done: true });
        }
        const gone = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
        servers.forEach((s) => s.closeIdleConnections());
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([gone, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
        clearTimeout(timer);
        servers.forEach((s) => s.closeAllConnections());
        await gone;
      })()),
  };
}
