// `procs up -d` / `up --wait`, and `up` on a project that already runs. The client checks the
// spec, then either reconciles the running project through its socket or starts a daemon (see
// detach.ts and daemon.ts) and waits until it answers. A project run by a foreground `up` (or
// `procs run`) elsewhere is not taken over: `up -d` is refused, `up` attaches to it.
import type { LoadResult } from '../config/index.js';
import type { ProcsEvent } from '../events/types.js';
import { ControlError, type ControlApi, type ProjectStatus, type ReloadResult } from '../control/api.js';
import { ControlClient } from '../control/client.js';
import { projectPaths, recordedSocketPath, type ProjectPaths } from '../rundir/paths.js';
import type { Spec } from '../config/spec.js';
import type { KeyInput } from './attach-prompt.js';
import { spawnDaemon } from './detach.js';
import { attachToRunning } from './up-attach.js';
import { EXIT } from './exit-codes.js';
import { loadSettings } from './foreground.js';
import { loadProjectSpec, printDiagnostics } from './load.js';
import { whenServing } from './locate.js';
import type { Display, UpOptions } from './options.js';
import { selectUnits } from './select.js';
import { activeUnits } from '../config/profiles.js';
import { printStarted, printStartedJson, printVerdict, printVerdictJson } from './up-report.js';
import { oneShotSteps, waitForUnits } from './wait.js';

/** `procs up -d [--wait]`: start (or reconcile) the project in the background. */
export async function upDetached(o: UpOptions, d: Display): Promise<number> {
  const t0 = Date.now();
  const result = await loadProjectSpec(o.spec);
  printDiagnostics(result.diagnostics, d.err);
  if (!result.spec) return EXIT.usage;
  selectUnits(result.spec, o.units, o.profiles);
  const paths = projectPaths(result.spec.root);
  let client = new ControlClient(recordedSocketPath(paths), paths.root);
  let reconciled: ReloadResult | undefined;
  const running = await statusOrNone(client);
  if (running) {
    if (inForeground(running, o, d)) return EXIT.usage;
    reconciled = await reconcile(client, o, result);
  } else {
    const started = await spawnDaemon(paths, daemonArgv(o, result), d.err);
    if (started.kind === 'failed') {
      d.err.write(`procs up: ${started.message}\n`);
      return started.code;
    }
    client = started.kind === 'held' ? await afterHolder(paths, started.pid) : new ControlClient(started.socket, paths.root);
    if (started.kind === 'held') {
      if (inForeground(await client.status(), o, d)) return EXIT.usage;
      reconciled = await reconcile(client, o, result);
    }
  }
  await client.started();
  const status = await client.status();
  (d.json ? printStartedJson : printStarted)(status, reconciled, d);
  if (!o.wait) return EXIT.ok;
  // With --json, the events the wait sees go out as NDJSON, like `.procs/events.ndjson`.
  const onEvent = d.json ? (e: ProcsEvent) => void d.out.write(`${JSON.stringify(e)}\n`) : undefined;
  // A unit that has restarted since this command began exited while waited on: a daemon
  // started now counts every restart, a running project those after its status above.
  const baseline = new Map(reconciled ? status.units.map((u) => [u.name, u.restarts]) : []);
  const verdict = await waitForUnits(client, o.units, o.waitTimeoutMs, oneShotSteps(result.spec), onEvent, baseline);
  if (o.report) await (await import('./report.js')).reportWait(client, result.spec, o.report, verdict, o.units, d.err);
  return await (d.json ? printVerdictJson : printVerdict)(verdict, client, paths, d, t0);
}

/**
 * `procs up` (foreground) when another procs holds the project: reconcile that one to this spec,
 * then show it live (up-attach.ts) until it ends, is stopped from here, or this command detaches.
 */
export async function upOnRunning(
  o: UpOptions,
  result: LoadResult & { readonly spec: Spec },
  holder: number,
  d: Display,
  keys?: () => KeyInput,
): Promise<number> {
  const paths = projectPaths(result.spec.root);
  const client = await afterHolder(paths, holder);
  if (o.ui) await (await import('./dashboard.js')).showDashboardOrSay(client, o.ui, d);
  return attachToRunning({ client, paths, spec: result.spec, options: o, reconcile: () => reconcile(client, o, result), display: d, keys });
}

/** The project's status when it answers on its socket (not running is a plain undefined). */
async function statusOrNone(client: ControlApi): Promise<ProjectStatus | undefined> {
  try {
    return await client.status();
  } catch (err) {
    if (err instanceof ControlError && err.code === 'not-running') return undefined;
    throw err;
  }
}

/**
 * Refuses `up -d` / `up --wait` against a project a foreground `procs up` (or `procs run`) runs
 * in some terminal: that procs ends with its terminal, so it cannot become the background
 * project this command promises; nothing is changed. Says why and what to do; true when refused.
 */
function inForeground(status: ProjectStatus, o: UpOptions, d: Display): boolean {
  if (status.runner !== 'up' && status.runner !== 'run') return false;
  const where = `it runs in the foreground of procs ${status.runner} (pid ${status.pid}) in another terminal`;
  const what =
    status.runner === 'up'
      ? 'procs up attaches to it here, procs down stops it (then procs up -d starts it in the background)'
      : 'procs run --attach runs a command against it, procs down stops it first';
  d.err.write(`procs up: cannot ${o.wait ? 'wait for' : 'start'} this project in the background: ${where}; nothing was changed\n  ${what}\n`);
  return true;
}

/** Waits for the procs holding the lock to answer, and gives a client for it. */
async function afterHolder(paths: ProjectPaths, pid: number): Promise<ControlClient> {
  if (!(await whenServing(paths, pid))) throw new ControlError('internal', `another procs (pid ${pid}) holds ${paths.root} but does not answer on its socket`);
  return new ControlClient(recordedSocketPath(paths), paths.root);
}

/**
 * `up` on a running project: reconcile it to this spec — the files this command found or was
 * given, which may not be the ones the project runs (it then runs these, and says so) — and
 * start what is not running.
 */
function reconcile(client: ControlApi, o: UpOptions, result: LoadResult): Promise<ReloadResult> {
  return client.reload({
    files: result.files,
    ...(o.spec.formation !== undefined ? { formation: loadSettings(o.spec.formation, result).formation } : {}),
    start: o.units.length > 0 || o.profiles.length === 0 ? [...o.units] : activeUnits(result.spec!.units, o.profiles),
    ...(o.noDeps ? { noDeps: true } : {}),
  });
}

/** The daemon's command line: the same units, spec files and counts as this one. */
function daemonArgv(o: UpOptions, result: LoadResult): string[] {
  return [
    'up',
    ...o.units,
    ...result.files.flatMap((f) => ['-f', f]),
    ...Object.entries(o.spec.formation ?? {}).flatMap(([name, n]) => ['-m', `${name}=${n}`]),
    ...o.watch.ignore.flatMap((g) => ['--ignore', g]),
    ...(o.watch.off ? ['--no-watch'] : []),
    ...(o.noDeps ? ['--no-deps'] : []),
    // Always said, so that the daemon's PROCS_PROFILES does not decide instead of this command's.
    '--profile',
    o.profiles.join(','),
  ];
}
