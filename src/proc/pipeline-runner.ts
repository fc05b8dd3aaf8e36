// The pipeline runner: started by procs as the leader of a new process group, it starts the
// steps as its own children (so they share its group), wires step i's stdout straight into step
// i+1's stdin through a real pipe, and reports how every step ended. It never reads or copies the steps' data.
//
//   argv[2]  JSON [[file, args], …] for the steps
//   argv[3]  JSON RunnerOptions (pipeline-protocol.ts), optional
//   fd 0     /dev/null, or with `stdin` a pipe from procs: the first step's stdin
//   fd 1     pipe to procs: becomes the last step's stdout
//   fd 2     pipe to procs: one JSON status line at the end (and any error of the runner itself)
//   fd 3+i   pipe to procs: step i's stderr
//   ttyFd    with `tty: true`, the unit's terminal (the runner's controlling terminal, from the
//            terminal helper): the last step's stdout and stderr
import { spawn } from 'node:child_process';
import { closeSync, constants as fsc, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signalStatus } from '../events/exit.js';
import { makeFifos } from './fifo.js';
import { NODE_OPTIONS_VAR, type RunnerOptions, type RunnerReport, type StepEnd } from './pipeline-protocol.js';

// The end of a step from its exit event.
function ended(code: number | null, signal: NodeJS.Signals | null): StepEnd {
  if (signal !== null) return { code: null, signal, status: signalStatus(signal) };
  return { code, signal: null, status: code ?? 0 };
}

// The end of a step that could not start.
function failedToStart(err: NodeJS.ErrnoException): StepEnd {
  const errno = err.code ?? 'EIO';
  return { code: null, signal: null, status: errno === 'ENOENT' ? 127 : 126, errno, message: err.message };
}

// The steps' environment: the runner's, with the unit's NODE_OPTIONS put back.
function stepEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const nodeOptions = env[NODE_OPTIONS_VAR];
  delete env[NODE_OPTIONS_VAR];
  if (nodeOptions !== undefined) env.NODE_OPTIONS = nodeOptions;
  return env;
}

// Makes `count` real pipes as FIFOs (Node has no pipe(2); its child pipes are socketpairs, which
// answer a closed reader with ECONNRESET instead of SIGPIPE). Gives [read fd, write fd] pairs.
function makePipes(count: number): [number, number][] {
  if (count === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'procs-pipe-'));
  try {
    const paths = Array.from({ length: count }, (_, i) => join(dir, String(i)));
    const failed = makeFifos(paths, 'inherit');
    if (failed !== undefined) throw new Error(`mkfifo failed (${failed})`);
    // Non-blocking opens so neither end waits for the other; each step gets them as blocking stdio.
    return paths.map((p) => {
      const read = openSync(p, fsc.O_RDONLY | fsc.O_NONBLOCK);
      return [read, openSync(p, fsc.O_WRONLY | fsc.O_NONBLOCK)];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Starts every step, wiring step i's stdout to step i+1's stdin, then closes the runner's copies.
function startSteps(steps: readonly [string, string[]][], opts: RunnerOptions, onEnd: (i: number, end: StepEnd) => void): void {
  const env = stepEnv();
  const pipes = makePipes(steps.length - 1);
  // Overlays fds 3… inherited from procs, so no step holds another step's stderr open.
  const devNull = openSync('/dev/null', 'r+');
  const overlay = steps.map(() => devNull);
  const last = steps.length - 1;
  steps.forEach(([file, args], i) => {
    const stdin = i === 0 ? (opts.stdin === true ? 0 : 'ignore') : (pipes[i - 1]?.[0] ?? 'ignore');
    const stdout = i === last ? (opts.ttyFd ?? 1) : (pipes[i]?.[1] ?? 'ignore');
    const stderr = i === last && opts.ttyFd !== undefined ? opts.ttyFd : 3 + i;
    let settled = false;
    const settle = (end: StepEnd): void => {
      if (!settled) onEnd(i, end);
      settled = true;
    };
    try {
      const child = spawn(file, args, { env, stdio: [stdin, stdout, stderr, ...overlay] });
      child.once('exit', (code, signal) => settle(ended(code, signal)));
      child.once('error', (err) => settle(failedToStart(err)));
    } catch (err) {
      settle(failedToStart(err as NodeJS.ErrnoException));
    }
  });
  // Only the steps hold the pipes (and the terminal) now: a step that ends closes its end, as in a shell.
  for (const fd of [...pipes.flat(), devNull, ...(opts.ttyFd === undefined ? [] : [opts.ttyFd])]) closeSync(fd);
}

// Runs the pipeline and exits with its status, after writing the report to fd 2.
function main(): void {
  const steps = JSON.parse(process.argv[2] ?? '[]') as [string, string[]][];
  const opts = JSON.parse(process.argv[3] ?? '{}') as RunnerOptions;
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const) {
    // Stop signals reach every step through the group; the runner outlives them to report.
    process.on(sig, () => undefined);
  }
  const ends: (StepEnd | undefined)[] = steps.map(() => undefined);
  let left = steps.length;
  const onEnd = (i: number, end: StepEnd): void => {
    ends[i] = end;
    if (--left > 0) return;
    // pipefail: the last step with a non-zero status decides.
    let step = -1;
    ends.forEach((e, j) => (step = e !== undefined && e.status !== 0 ? j : step));
    const last = ends[step] ?? { code: 0, signal: null, status: 0 };
    const report: RunnerReport = { procsPipeline: step < 0 ? { end: last } : { step, end: last } };
    writeSync(2, `${JSON.stringify(report)}\n`);
    process.exit(last.status);
  };
  if (steps.length === 0) onEnd(0, { code: 0, signal: null, status: 0 });
  else startSteps(steps, opts, onEnd);
}

// Runs only as a script: procs itself imports this file for its types and constant.
if (process.argv[1] === fileURLToPath(import.meta.url)) main();
