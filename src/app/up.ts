// `procs up` in the foreground: start, stream output, stop cleanly on Ctrl-C. A procs already
// running the project is reconciled and attached to instead (up-detached.ts, up-attach.ts).
import type { Spec } from '../config/spec.js';
import type { ProcsEvent } from '../events/types.js';
import { summaryLines } from '../output/summary.js';
import { closure } from '../config/graph.js';
import { EXIT } from './exit-codes.js';
import { claimForeground, serveForeground, type ForegroundControl } from './foreground.js';
import { PortBook } from '../proc/port-book.js';
import { loadProjectSpec, printDiagnostics } from './load.js';
import type { KeyInput } from './attach-prompt.js';
import type { Display, UpOptions } from './options.js';
import { createProjectFor, watchSettings, type Project } from './project.js';
import { selectUnits } from './select.js';
import { onShutdownSignals } from './signals.js';

/**
 * Runs the project in the foreground until it ends; returns procs' exit code. `keys` (stdin) answers
 * the question Ctrl-C asks when this attaches to a project that already runs.
 */
export async function upForeground(o: UpOptions, d: Display, keys?: () => KeyInput): Promise<number> {
  // The ports of `port: auto` units, picked (and held) as the spec loads, kept for the run.
  const ports = new PortBook();
  const result = await loadProjectSpec(o.spec, ports);
  printDiagnostics(result.diagnostics, d.err);
  if (!result.spec) {
    ports.close();
    return EXIT.usage;
  }
  const spec = result.spec;
  const names = selectUnits(spec, o.units, o.profiles);
  if (o.exitFrom !== undefined) selectUnits(spec, [o.exitFrom]);
  // The control socket: a procs already running the project is reconciled and shown instead.
  const claim = await claimForeground(spec.root, d.err);
  // Attached to a project that runs: its own procs holds its ports.
  if (claim?.kind === 'held' || claim?.kind === 'refused') ports.close();
  if (claim?.kind === 'held') return (await import('./up-detached.js')).upOnRunning(o, { ...result, spec }, claim.pid, d, keys);
  if (claim?.kind === 'refused') {
    d.err.write(`procs up: ${claim.message}\n`);
    return EXIT.failed;
  }
  const project = createProjectFor(spec, d, watchSettings(o.watch, o.units, names), ports, o.profiles);
  const control = await serveForeground(claim, project, result, o.spec.formation, d.err);
  project.begin('up');
  if (o.ui) await serveUi(control, o.ui, d);
  await project.watch.start();
  return runForeground(project, spec, names, { abortOnFailure: o.abortOnFailure, exitFrom: o.exitFrom, noDeps: o.noDeps, control, err: d.err });
}

interface ForegroundOptions {
  readonly abortOnFailure: boolean;
  readonly exitFrom: string | undefined;
  /** Start only `names`, not their dependencies (`--no-deps`). */
  readonly noDeps: boolean;
  /** The control socket this run serves (`ps`, `stop`, `down`… from another terminal). */
  readonly control?: ForegroundControl | undefined;
  /** Where the summary goes. */
  readonly err: Display['err'];
}

/**
 * Runs the project until it ends by itself (every unit done, none to restart), until a signal
 * asks it to stop (a second one kills at once), or until --abort-on-failure / --exit-code-from
 * end it. Returns procs' exit code.
 */
async function runForeground(project: Project, spec: Spec, names: readonly string[], o: ForegroundOptions): Promise<number> {
  const { supervisor, bus } = project;
  let stopping: Promise<void> | undefined;
  let code: number | undefined;
  // Set once every unit has ended: a signal from then on changes nothing, the files are being closed.
  let ending = false;
  let killing = false;

  const stopAll = (reason: string, exitCode: number): void => {
    if (ending) return;
    code ??= exitCode;
    if (stopping) return;
    bus.publish({ type: 'stop', unit: 'procs', reason, state: 'stopping' });
    stopping = supervisor.stopAll();
    void project.watch.close();
    watchStopping(project);
  };
  onShutdownSignals({
    graceful: (sig) => stopAll(`${sig} received`, EXIT.ok),
    force: (sig) => {
      // Said once: a storm of signals kills once, not a line per signal.
      if (!killing) bus.publish({ type: 'stop', unit: 'procs', reason: `${sig} again: killing every unit now`, state: 'stopping' });
      killing = true;
      supervisor.killAll();
    },
  });
  o.control?.bindStop((reason) => {
    stopAll(reason, EXIT.ok);
    return stopping ?? Promise.resolve();
  });

  const unsubscribe = bus.subscribe((e: ProcsEvent) => {
    if (e.unit === 'procs') return;
    if (o.abortOnFailure && e.type === 'failed') stopAll(`${e.unit} failed`, EXIT.failed);
    if (o.exitFrom !== undefined && e.type === 'exit' && unitMatches(e.unit, o.exitFrom) && e.state !== 'backoff' && !stopping) {
      stopAll(`${e.unit} exited`, e.exit.status);
    }
    if (o.exitFrom !== undefined && e.type === 'stop' && e.state === 'skipped' && unitMatches(e.unit, o.exitFrom)) {
      stopAll(`${e.unit} was skipped`, EXIT.failed);
    }
  });

  // Watch rules with `initial: true` run before their targets first start.
  await project.watch.started;
  await project.prepare();
  if (!stopping) supervisor.start(names, { noDeps: o.noDeps });
  void project.startup?.run(o.noDeps || names.length === 0 ? new Set(names) : closure(names, spec.units));
  // While a watch rule is on (a reload may turn rules on or off), `up` keeps running.
  for (;;) {
    await (o.control ? o.control.idle(() => stopping !== undefined) : supervisor.idle());
    if (stopping || !project.watch.watching) break;
    await project.watch.unwatched();
  }
  ending = true;
  await project.watch.close();
  if (stopping) await stopping;
  unsubscribe();
  await o.control?.close();

  const outcome = supervisor.outcome().filter((u) => u.state !== 'pending' && u.state !== 'inactive');
  const allGood = outcome.every((u) => u.state === 'completed' || u.state === 'stopped');
  const exitCode = code ?? (allGood ? EXIT.ok : EXIT.failed);
  const lines = summaryLines(outcome);
  await project.close();
  if (lines.length > 0) o.err.write(lines.join('\n') + '\n');
  // The listeners stay until procs exits (they do not keep it alive): a signal while the events,
  // logs and summary are written, or after, must not cut them short.
  return exitCode;
}

/** `up --ui`: the dashboard's URL said (and opened); a run without a control socket has none. */
async function serveUi(control: ForegroundControl | undefined, ui: NonNullable<UpOptions['ui']>, d: Display): Promise<void> {
  if (!control) d.err.write('procs: no dashboard for this run: it has no control socket\n');
  else await (await import('./dashboard.js')).showDashboardOrSay(control, ui, d);
}

function unitMatches(unit: string, name: string): boolean {
  return unit === name || unit.startsWith(`${name}.`);
}

// While units stop, says every few seconds which ones are still running and when they will be killed.
function watchStopping(project: Project): void {
  const tick = (): void => {
    const waiting = project.supervisor.stillStopping();
    if (waiting.length === 0) return;
    const killAt = Math.max(...waiting.map((w) => w.killAt));
    const names = waiting.map((w) => w.name);
    project.bus.publish({ type: 'stop', unit: 'procs', reason: 'waiting', waiting: names, killAt: new Date(killAt).toISOString() });
    timer.refresh();
  };
  const timer = setTimeout(tick, 3000);
  timer.unref();
}
