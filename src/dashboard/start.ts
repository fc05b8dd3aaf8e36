// Starting the web dashboard of a running project, in the process that serves it (the daemon, a
// foreground `procs up`): an HTTP server on 127.0.0.1 (and ::1) over the project's ControlApi.
import type { ControlApi } from '../control/api.js';
import type { ProcsEvent } from '../events/types.js';
import type { Graph } from '../output/graph.js';

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
}

export interface Dashboard {
  /** `http://127.0.0.1:PORT/?token=TOKEN`: what the user opens. */
  readonly url: string;
  readonly port: number;
  /** Stops serving: open streams end, the ports are let go. */
  close(): Promise<void>;
}

/**
 * Serves the dashboard. The token (and the port, unless told) of the project's last dashboard is
 * used again, so a page left open reconnects when the project is started again.
 */
export async function startDashboard(source: DashboardSource, options: DashboardOptions = {}): Promise<Dashboard> {
  void source;
  void options;
  throw new Error('not yet');
}
