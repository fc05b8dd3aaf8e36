// `procs up -d` / `up --wait`, `up` on a project that already runs, and the daemon itself.
// The client checks the spec, then either reconciles the running project through its socket or
// starts a daemon (see control/detach.ts) and waits until it answers; the daemon runs the
// project in its own session until `procs down` or SIGTERM.
import { Writable } from 'node:stream';
import type { LoadResult } from '../config/index.js';
import type { Spec } from '../config/spec.js';
import type { ProcsEvent } from '../events/types.js';
import { ControlError, type ControlApi, type ReloadResult } from '../control/api.js';
import { claimProject } from '../rundir/claim.js';
import { ControlClient } from '../control/client.js';
import { reportError } from '../app/command.js';
import { daemonLog, parentReporter, spawnDaemon } from '../app/detach.js';
import { loadSettings } from '../app/foreground.js';
import { serveProject } from '../app/host.js';
import { whenServing } from '../app/locate.js';
import { projectPaths, recordedSocketPath, type ProjectPaths } from '../rundir/paths.js';
import { printStarted, printStartedJson, printVerdict, printVerdictJson, waitTimeoutOf } from '../app/up-report.js';
import { oneShotNamed, waitForUnits, type OneShot } from '../app/wait.js';
import { EventTextRenderer } from '../output/events-text.js';
import type { ParsedArgs } from './args.js';
import { EXIT } from './exit-codes.js';
import { loadFromArgs, printDiagnostics } from '../app/load.js';
import { createProject, watchSettings } from '../app/project.js';
import { selectUnits } from './select.js';

/** `procs up -d [--wait]`: start (or reconcile) the project in the background. */
export async function upDetached(args: ParsedArgs): Promise<number> {
  const t0 = Date.now();
  const waitMs = waitTimeoutOf(args);
  const result = await loadFromArgs(args);
  printDiagnostics(result.diagnostics);
  if (!result.spec) return EXIT.usage;
  selectUnits(result.spec, args.positionals);
  const paths = projectPaths(result.spec.root);
  try {
    let client = new ControlClient(recordedSocketPath(paths), paths.root);
    let reconciled: ReloadResult | undefined;
    if (await answersStatus(client)) reconciled = await reconcile(client, args, result);
    else {
      const started = await spawnDaemon(paths, daemonArgv(args, result));
      if (started.kind === 'failed') {
        process.stderr.write(`procs up: ${started.message}\n`);
        return started.code;
      }
      client = started.kind === 'held' ? await afterHolder(paths, started.pid) : new ControlClient(started.socket, paths.root);
      if (started.kind === 'held') reconciled = await reconcile(client, args, result);
    }
    const json = args.flags.json === true;
    await client.started();
    const status = await client.status();
    (json ? printStartedJson : printStarted)(status, reconciled);
    if (args.flags.wait !== true) return EXIT.ok;
    // With --json, the events the wait sees go out as NDJSON, like `.procs/events.ndjson`.
    const onEvent = json ? (e: ProcsEvent) => void process.stdout.write(`${JSON.stringify(e)}\n`) : undefined;
    // A unit that has restarted since this command began exited while waited on: a daemon
    // started now counts every restart, a running project those after its status above.
    const baseline = new Map(reconciled ? status.units.map((u) => [u.name, u.restarts]) : []);
    const verdict = await waitForUnits(client, args.positionals, waitMs, oneShotSteps(result.spec), onEvent, baseline);
    return await (json ? printVerdictJson : printVerdict)(verdict, client, paths, t0);
  } catch (err) {
    if (err instanceof ControlError) return reportError('up', err);
    throw err;
  }
}

/** `procs up` (foreground) when another procs holds the project: reconcile that one instead. */
export async function upOnRunning(args: ParsedArgs, result: LoadResult, holder: number): Promise<number> {
  const paths = projectPaths(result.spec?.root ?? process.cwd());
  try {
    const client = await afterHolder(paths, holder);
    const reconciled = await reconcile(client, args, result);
    await client.started();
    (args.flags.json === true ? printStartedJson : printStarted)(await client.status(), reconciled);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof ControlError) return reportError('up', err);
    throw err;
  }
}

/** The daemon: runs the project until `procs down`, SIGTERM or SIGINT; SIGHUP reloads. */
export async function daemonMain(args: ParsedArgs): Promise<number> {
  const report = parentReporter();
  const result = await loadFromArgs(args);
  printDiagnostics(result.diagnostics);
  if (!result.spec) {
    report({ error: 'the spec has errors', code: EXIT.usage });
    return EXIT.usage;
  }
  const spec = result.spec;
  const names = selectUnits(spec, args.positionals);
  const claim = await claimProject(spec.root).catch((err: unknown) => {
    report({ error: `cannot take ${spec.root}/.procs: ${err instanceof Error ? err.message : String(err)}`, code: EXIT.failed });
    throw err;
  });
  if (claim.kind === 'held') {
    report({ held: claim.pid });
    return EXIT.ok;
  }
  const log = daemonLog(claim.paths);
  const project = createProject({ spec, out: discard(), err: log.stream, json: false, color: false, watch: watchSettings(args, names) });
  project.bus.subscribe(new EventTextRenderer(log.stream, { names: spec.units.map((u) => u.name) }).event);
  let stopping: Promise<void> | undefined;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  const stopAll = (reason: string): Promise<void> => {
    if (stopping) return stopping;
    project.bus.publish({ type: 'stop', unit: 'procs', reason, state: 'stopping' });
    stopping = project.supervisor.stopAll();
    void project.watch.close();
    void stopping.then(markStopped);
    return stopping;
  };
  const host = await serveProject(claim, project, { settings: loadSettings(args, result), initial: result, stopAll, gated: true }).catch(async (err: unknown) => {
    claim.release();
    report({ error: `cannot serve the control socket: ${err instanceof Error ? err.message : String(err)}`, code: EXIT.failed });
    await project.close();
    throw err;
  });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void stopAll(`${sig} received`));
  process.on('SIGHUP', () => void host.controller.reload().catch(() => undefined));
  process.on('uncaughtException', (err) => {
    process.stderr.write(`procs: internal error: ${err.stack ?? err.message}\n`);
    project.supervisor.killAll();
    void host.close().finally(() => process.exit(EXIT.internal));
  });
  // Said before any unit or build is spawned, so none inherits the report pipe.
  report({ ok: true, pid: process.pid, socket: host.socketPath, ...(claim.orphans.length > 0 ? { orphans: claim.orphans } : {}) });
  try {
    // Rules watch (their first scans over) and `initial: true` runs build before the units start;
    // `up -d` returns once they have started.
    if (await project.watch.start()) await project.watch.started;
    if (!stopping) project.supervisor.start(names);
  } finally {
    host.controller.begin();
  }
  await stopped;
  await project.watch.close();
  await host.controller.settled(); // a `down` request is answered before the daemon goes
  await host.close();
  await project.close();
  await log.close();
  setTimeout(() => process.exit(EXIT.ok), 3000).unref(); // nothing should keep it, but never linger
  return EXIT.ok;
}

/** The spec's one-shot steps (`restart: never`), which `--wait` waits on until they have completed. */
function oneShotSteps(spec: Spec): OneShot {
  const steps = spec.units.filter((u) => u.restart.policy === 'never');
  return oneShotNamed(new Set(steps.flatMap((u) => (u.kind === 'instance' && u.pool !== undefined ? [u.name, u.pool] : [u.name]))));
}

/** Whether the project answers on its socket (not running is a plain no). */
async function answersStatus(client: ControlApi): Promise<boolean> {
  try {
    await client.status();
    return true;
  } catch (err) {
    if (err instanceof ControlError && err.code === 'not-running') return false;
    throw err;
  }
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
function reconcile(client: ControlApi, args: ParsedArgs, result: LoadResult): Promise<ReloadResult> {
  const m = args.flags.formation;
  return client.reload({
    files: result.files,
    ...(typeof m === 'object' ? { formation: loadSettings(args, result).formation } : {}),
    start: [...args.positionals],
  });
}

/** The daemon's command line: the same units, spec files and counts as this one. */
function daemonArgv(args: ParsedArgs, result: LoadResult): string[] {
  const list = (name: string): readonly string[] => {
    const v = args.flags[name];
    return typeof v === 'object' ? v : [];
  };
  return [
    'up',
    ...args.positionals,
    ...result.files.flatMap((f) => ['-f', f]),
    ...list('formation').flatMap((m) => ['-m', m]),
    ...list('ignore').flatMap((g) => ['--ignore', g]),
    ...(args.flags['no-watch'] === true ? ['--no-watch'] : []),
  ];
}

/** A stream that drops what it is given: the daemon keeps unit output in the log files only. */
function discard(): Writable {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}
