// The client commands' requests to the running project, found from the command line's `-f`
// files (or upward from the current folder): `ps`, `start|stop|restart UNIT…`, `reload`,
// `scale`. A failed request throws its ControlError (exit-codes.ts maps it).
import { ENDED_STATES } from '../events/types.js';
import { ControlError, type ControlApi, type ProjectStatus, type ReloadResult, type UnitRow, type UsageResult } from '../control/api.js';
import { clientFor } from './locate.js';
import { isUp } from './wait.js';

export type UnitVerb = 'start' | 'stop' | 'restart';

/** The running project's status. */
export async function projectStatus(files: readonly string[]): Promise<ProjectStatus> {
  return clientFor(files).client.status();
}

/**
 * The running project's status and what its running units use (CPU, memory), asked together;
 * `usage` is undefined from a project run by an older procs, which does not know the request.
 */
export async function projectUsage(files: readonly string[]): Promise<{ status: ProjectStatus; usage: UsageResult | undefined }> {
  const { client } = clientFor(files);
  const [status, usage] = await Promise.all([client.status(), usageOf(client)]);
  return { status, usage };
}

/** The project's usage, or undefined when it does not know the request (an older procs runs it). */
export async function usageOf(client: Pick<ControlApi, 'usage'>): Promise<UsageResult | undefined> {
  try {
    return await client.usage();
  } catch (err) {
    if (err instanceof ControlError && err.code === 'bad-request') return undefined;
    throw err;
  }
}

/**
 * Asks the running project to start, stop or restart `names`, and says where each unit ended up:
 * start and restart succeed when every unit is up again, stop when every one has stopped.
 */
export async function unitCommand(verb: UnitVerb, files: readonly string[], names: readonly string[]): Promise<{ units: readonly UnitRow[]; ok: boolean }> {
  const { units } = await clientFor(files).client[verb](names);
  const bad = units.filter((u) => (verb === 'stop' ? !ENDED_STATES.has(u.state) : !isUp(u)));
  return { units, ok: bad.length === 0 };
}

/** `api: ready (pid 4242)`, `worker.1: failed — exited with code 3`. */
export function describeRow(u: UnitRow): string {
  const pid = u.pid === null ? '' : ` (pid ${u.pid})`;
  const why = u.reason && (u.state === 'failed' || u.state === 'skipped') ? ` — ${u.reason}` : '';
  return `${u.name}: ${u.state}${pid}${why}`;
}

/** The running project reads its spec again (or `switchTo`, when given) and reconciles to it; `root` is the project's folder. */
export async function reloadProject(files: readonly string[], switchTo: readonly string[]): Promise<ReloadResult & { readonly root: string }> {
  const { client } = clientFor(files);
  const result = await client.reload(switchTo.length > 0 ? { files: switchTo } : {});
  return { ...result, root: client.root };
}

/** Changes pool sizes of the running project; what it did, in words. */
export async function scalePools(files: readonly string[], pools: Readonly<Record<string, number>>): Promise<readonly string[]> {
  const { actions } = await clientFor(files).client.scale(pools);
  return actions;
}
