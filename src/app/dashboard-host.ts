// The web dashboard of a project served here: started on the first `dashboard` request (or by
// `up --ui`), the same one for every later request, closed with the project's socket.
import { ControlError, type ControlApi, type DashboardInfo, type DashboardRequest } from '../control/api.js';
import type { Dashboard } from '../dashboard/start.js';
import type { ProjectPaths } from '../rundir/paths.js';
import { buildGraph } from '../output/graph.js';
import type { ControlledProject } from './controller.js';

export class DashboardHost {
  readonly #paths: ProjectPaths;
  readonly #project: ControlledProject;
  readonly #api: () => ControlApi;
  #serving: Promise<Dashboard> | undefined;
  #closed = false;

  /** `api` gives the project's controller (made after this). */
  constructor(paths: ProjectPaths, project: ControlledProject, api: () => ControlApi) {
    this.#paths = paths;
    this.#project = project;
    this.#api = api;
  }

  async serve(request: DashboardRequest): Promise<DashboardInfo> {
    if (this.#closed) throw new ControlError('stopping', 'the project is stopping');
    if (this.#serving) {
      const d = await this.#serving;
      if (request.port !== undefined && request.port !== d.port) {
        throw new ControlError('bad-request', `the dashboard already serves on port ${d.port}: ${d.url}`);
      }
      return { url: d.url, started: false };
    }
    const project = this.#project;
    const serving = import('../dashboard/start.js').then(({ startDashboard }) =>
      startDashboard(
        {
          api: this.#api(),
          recent: () => project.recent?.list() ?? [],
          logsDir: this.#paths.logs,
          settingsFile: this.#paths.dashboard,
          graph: () => buildGraph(project.spec, [], new Map(project.supervisor.status().map((u) => [u.name, u.state]))),
          logsWritten: () => project.logsWritten(),
        },
        request,
      ),
    );
    this.#serving = serving;
    try {
      return { url: (await serving).url, started: true };
    } catch (err) {
      this.#serving = undefined;
      if (err instanceof ControlError) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new ControlError('internal', `cannot serve the dashboard: ${why}`);
    }
  }

  /** Stops the dashboard (when it serves). */
  async close(): Promise<void> {
    this.#closed = true;
    const serving = this.#serving;
    this.#serving = undefined;
    if (serving) await serving.then((d) => d.close()).catch(() => undefined);
  }
}
