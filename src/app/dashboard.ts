// `procs dashboard` and `up --ui`: the running project serves its web dashboard (dashboard-host.ts);
// its URL is printed and, unless told not to, opened in the browser.
import type { ControlApi, DashboardInfo } from '../control/api.js';
import { openUrl } from '../proc/open-url.js';
import { clientFor } from './locate.js';
import type { Terminal } from './options.js';

export interface DashboardOptions {
  /** `--port`: the port to serve on. */
  readonly port?: number;
  /** Open the page in the browser (false with `--no-open`). */
  readonly open: boolean;
}

/**
 * Asks `api` (the running project) for its dashboard, says its URL (alone on `t.out`, or as
 * `procs: dashboard: URL` on `t.err` with `labelled`) and opens it when asked to.
 */
export async function showDashboard(api: Pick<ControlApi, 'dashboard'>, o: DashboardOptions, t: Terminal, labelled = false): Promise<DashboardInfo> {
  const info = await api.dashboard(o.port === undefined ? {} : { port: o.port });
  if (labelled) t.err.write(`procs: dashboard: ${info.url}\n`);
  else t.out.write(`${info.url}\n`);
  if (o.open && !openUrl(info.url)) t.err.write('procs: no browser to open it with ($BROWSER, xdg-open): open the URL above\n');
  return info;
}

/** `up --ui`: the dashboard's URL on `t.err`, or why there is none (the project runs on without it). */
export async function showDashboardOrSay(api: Pick<ControlApi, 'dashboard'>, o: DashboardOptions, t: Terminal): Promise<void> {
  try {
    await showDashboard(api, o, t, true);
  } catch (err) {
    t.err.write(`procs: no dashboard: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

/** `procs dashboard`: the dashboard of the project running from `files`. */
export async function dashboardCommand(files: readonly string[], o: DashboardOptions, t: Terminal): Promise<void> {
  await showDashboard(clientFor(files).client, o, t);
}

/** `up -d --ui`, `up --wait --ui`: once the project runs, its dashboard (or why there is none). */
export async function dashboardOfStarted(files: readonly string[], o: DashboardOptions, t: Terminal): Promise<void> {
  await showDashboardOrSay(clientFor(files).client, o, t);
}
