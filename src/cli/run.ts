import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { MAX_DURATION_TEXT, parseDurationArg } from '../config/durations.js';
import { closure } from '../runtime/deps.js';
import type { ParsedArgs } from './args.js';
import { UsageError } from './args.js';
import { EXIT } from './exit-codes.js';
import { loadFromArgs, printDiagnostics } from './load.js';
import { createProjectFor, type Project } from './project.js';
import { selectUnits } from './select.js';
import { describeWaitFailure, waitForUp } from './wait.js';

/** A single argument with shell syntax (`procs run -- "npm test && npm run e2e"`) goes through the shell. */
const SHELL_SYNTAX = /[\s;&|<>()$`*?[\]{}~'"\\]/;

/**
 * `procs run [UNIT…] -- CMD…`: bring the units up, wait until they are ready, run CMD attached
 * with the project's environment, tear everything down, and exit with CMD's status. If a unit
 * fails first, CMD never runs and procs exits 1 with the unit's reason and last lines.
 */
export async function run(args: ParsedArgs): Promise<number> {
  const cmd = args.rest ?? [];
  if (cmd.length === 0) throw new UsageError('needs a command after --, e.g. procs run -- npm test');
  const timeoutFlag = args.flags['wait-timeout'];
  const timeoutMs = typeof timeoutFlag === 'string' ? parseDurationArg(timeoutFlag) : undefined;
  if (typeof timeoutFlag === 'string' && timeoutMs === undefined) throw new UsageError(`--wait-timeout expects a duration such as 60s, at most ${MAX_DURATION_TEXT}, got '${timeoutFlag}'`);
  const result = await loadFromArgs(args);
  printDiagnostics(result.diagnostics);
  if (!result.spec) return EXIT.usage;
  const spec = result.spec;
  const names = selectUnits(spec, args.positionals);
  const project = createProjectFor(spec, args);

  let interrupted: NodeJS.Signals | undefined;
  let child: ChildProcess | undefined;
  let signals = 0;
  let onInterrupt = (): void => undefined;
  const interruption = new Promise<void>((resolve) => (onInterrupt = resolve));
  const onSignal = (sig: NodeJS.Signals): void => {
    signals += 1;
    interrupted ??= sig;
    onInterrupt();
    if (child?.pid !== undefined && child.exitCode === null) forward(child, sig);
    else if (signals > 1) project.supervisor.killAll();
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, () => onSignal(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);

  const wanted = closure(names, spec.units);
  project.supervisor.start(names);
  void project.startup?.run(wanted);
  const waited = await Promise.race([
    waitForUp(project, wanted, timeoutMs),
    interruption.then(() => ({ ok: false as const, unit: undefined, reason: `${interrupted} received while starting`, timedOut: false })),
  ]);
  project.startup?.end();
  await project.startup?.ended;

  let code: number;
  if (!waited.ok) {
    process.stderr.write(describeWaitFailure(project, waited));
    code = interrupted ? EXIT.ok : EXIT.failed;
  } else {
    project.muteOutput(true);
    child = startCommand(cmd, project);
    code = await exitStatus(child);
    // What CMD left running in its own group goes with it.
    if (child.pid !== undefined && !process.stdin.isTTY) forward(child, 'SIGTERM');
    project.muteOutput(false);
  }
  await teardown(project);
  for (const [s, h] of handlers) process.off(s, h);
  return code;
}

// CMD with the terminal's stdin, stdout and stderr and the project's environment. On a terminal
// it stays in procs' process group (Ctrl-C reaches it, and it may read the terminal); otherwise
// it leads its own group so that a signal to procs reaches all of CMD's processes.
function startCommand(cmd: readonly string[], project: Project): ChildProcess {
  const [file = '', ...rest] = cmd;
  const viaShell = cmd.length === 1 && SHELL_SYNTAX.test(file);
  const env = { ...project.spec.env, PROCS_PROJECT: project.spec.project };
  const options = { stdio: 'inherit' as const, env, detached: !process.stdin.isTTY };
  return viaShell ? spawn('/bin/sh', ['-c', file], options) : spawn(file, rest, options);
}

// Passes a signal on to CMD: to its whole group when it leads one.
function forward(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (!process.stdin.isTTY) process.kill(-child.pid, sig);
    else if (sig !== 'SIGINT') child.kill(sig);
  } catch {
    // already gone
  }
}

// CMD's status as a shell reports it: its code, 128+N for signal N, 127 when it could not start.
function exitStatus(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      process.stderr.write(`procs: cannot run ${child.spawnfile}: ${err.code === 'ENOENT' ? 'command not found' : err.message}\n`);
      resolve(err.code === 'ENOENT' ? 127 : 126);
    });
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

// Stops every unit (dependents first) and closes the logs.
async function teardown(project: Project): Promise<void> {
  project.bus.publish({ type: 'stop', unit: 'procs', reason: 'run finished', state: 'stopping' });
  await project.supervisor.stopAll();
  await project.close();
}
