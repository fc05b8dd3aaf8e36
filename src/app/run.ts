// `procs run [UNIT…] -- CMD…`: bring the units up, wait until they are ready, run CMD attached
// with the project's environment, tear everything down, and exit with CMD's status. If a unit
// fails first, CMD never runs and procs exits 1 with the unit's reason and last lines. The run
// holds the project as `up` does (its pid lock and control socket): beside a project already
// running it refuses (exit 2), unless `--attach` asks to run CMD against that one.
import type { Spec } from '../config/spec.js';
import { closure } from '../config/graph.js';
import { EXIT } from './exit-codes.js';
import { claimForeground, serveForeground, type ForegroundControl } from './foreground.js';
import { PortBook } from '../proc/port-book.js';
import { loadProjectSpec, printDiagnostics } from './load.js';
import type { Display, ReportRequest, RunOptions, Terminal } from './options.js';
import { createProjectFor, watchSettings, type Project } from './project.js';
import { commandEnv, Interrupts, type RunRequest } from './run-command.js';
import { describeWaitFailure, waitForUp, type WaitResult } from './run-wait.js';
import { selectUnits } from './select.js';

/** What `procs run` was asked: CMD, the units, how long to wait for them. */
/** Runs `procs run`; returns the exit code (CMD's status once it ran). */
export async function runWithUnits(o: RunOptions, d: Display): Promise<number> {
  const ports = new PortBook();
  const result = await loadProjectSpec(o.spec, ports);
  printDiagnostics(result.diagnostics, d.err);
  if (!result.spec) return EXIT.usage;
  const spec = result.spec;
  const request = { cmd: o.cmd, names: selectUnits(spec, o.units, o.profiles), timeoutMs: o.timeoutMs };
  // Against a project that runs (or none): its own procs holds its ports, not this one.
  if (o.attach) ports.close();
  if (o.attach) return (await import('./run-attach.js')).runAttached(spec, o.units, request, d);
  // The project's lock, as `up` takes it: a procs already running the project keeps it.
  const claim = await claimForeground(spec.root, d.err);
  if (claim?.kind === 'held' || claim?.kind === 'refused') ports.close();
  if (claim?.kind === 'held') {
    d.err.write(
      `procs run: the project in ${spec.root} is already running (procs pid ${claim.pid}); nothing was started\n` +
        `  procs run --attach … -- CMD runs CMD against it (and leaves it running), or procs down stops it first\n`,
    );
    return EXIT.usage;
  }
  if (claim?.kind === 'refused') {
    d.err.write(`procs run: ${claim.message}\n`);
    return EXIT.failed;
  }
  const project = createProjectFor(spec, d, watchSettings(o.watch, o.units), ports, o.profiles);
  // `ps`, `logs -f`, `down`… from another terminal reach the run; closing the socket gives the lock back.
  const control = await serveForeground(claim, project, result, o.spec.formation, d.err, { watchSpec: false, runner: 'run' });
  project.begin('run');
  try {
    return await runProject(project, spec, request, control, d, o.report);
  } finally {
    await control?.close();
  }
}

/** Runs the project around CMD: up, wait, CMD, down. `procs down` from elsewhere ends it as SIGTERM would. */
async function runProject(
  project: Project,
  spec: Spec,
  r: RunRequest,
  control: ForegroundControl | undefined,
  t: Terminal,
  report: ReportRequest | undefined,
): Promise<number> {
  const interrupts = new Interrupts((sig, command) => {
    const what = command === '' ? 'every unit' : `${command} and every unit`;
    project.bus.publish({ type: 'stop', unit: 'procs', reason: `${sig} again: killing ${what} now`, state: 'stopping' });
    project.supervisor.killAll();
  }, t.err);
  let markDone!: () => void;
  const done = new Promise<void>((resolve) => (markDone = resolve));
  // Why every unit stops, for the `procs` stop event (what `procs why` tells of a stopped unit).
  let downRequested = false;
  control?.bindStop(() => {
    downRequested = true;
    interrupts.requestStop('SIGTERM');
    return done;
  });
  try {
    const ran: Ran = {};
    const code = await upAndRun(project, spec, r, interrupts, t, ran);
    // The report, before teardown: the states that mattered, not those of stopping.
    if (report) await (await import('./report.js')).reportRun(project, report, r, ran.waited, ran.status, code, t.err);
    const first = interrupts.first;
    await teardown(project, downRequested ? 'down requested' : first !== undefined ? `${first} received` : 'run finished');
    return code;
  } finally {
    interrupts.off();
    markDone();
  }
}

/** What became of the wait and of CMD, for the report. */
interface Ran {
  waited?: WaitResult;
  status?: number;
}

// Starts the units, waits for them, and runs CMD once they are up; gives the exit status.
async function upAndRun(project: Project, spec: Spec, r: RunRequest, interrupts: Interrupts, t: Terminal, ran: Ran): Promise<number> {
  // Nothing starts by default (every unit has a profile not active): nothing to wait for.
  const wanted = r.names.length === 0 ? new Set<string>() : closure(r.names, spec.units);
  await project.prepare();
  project.supervisor.start(r.names);
  void project.startup?.run(wanted);
  const waited = await Promise.race([
    waitForUp(project, wanted, r.timeoutMs),
    interrupts.received.then((sig) => ({ ok: false as const, unit: undefined, reason: `${sig} received while starting`, timedOut: false })),
  ]);
  ran.waited = waited;
  project.startup?.end();
  await project.startup?.ended;
  // Interrupted before CMD ran: the run was cut short, which is not a success.
  if (interrupts.first !== undefined) return interrupts.status;
  if (!waited.ok) {
    t.err.write(describeWaitFailure(project, waited));
    return EXIT.failed;
  }
  project.muteOutput(true);
  try {
    return (ran.status = await interrupts.runCommand(r.cmd, commandEnv(project.spec), project.processes));
  } finally {
    project.muteOutput(false);
  }
}

// Stops every unit (dependents first) and closes the logs; `reason` says why (CMD ended, a signal, `procs down`).
async function teardown(project: Project, reason: string): Promise<void> {
  project.bus.publish({ type: 'stop', unit: 'procs', reason, state: 'stopping' });
  await project.supervisor.stopAll();
  await project.close();
}
