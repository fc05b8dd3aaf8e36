// Starting one unit as the leader of its own process group, with its output flowing line by line
// into a sink. A run that cannot start is a value (an ExitInfo with `error`), never an exception.
import { closeSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { type ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import type { Command, ProcessUnit } from '../config/spec.js';
import type { ExitInfo } from '../events/types.js';
import type { OutputSink } from '../base/sink.js';
import { type Clock, realClock } from '../base/clock.js';
import { forgetGroup } from './group-record.js';
import { guardGroup } from './guardian.js';
import { type Channels, closeChannels, openChannels } from './holders.js';
import { closePipes, type NamedPipe, namedPipes, type OutputPipe, outputPipes, unlinkPipes } from './output-pipes.js';
import { spawnerAvailable, spawnerSpawn } from './spawner.js';
import { pumpLines } from './lines.js';
import { directCommand } from './simple-command.js';
import { exitInfo, spawnFailure } from '../events/signals.js';
import { noteChannels, noteLeaderExit, readProc, signalUnit } from './tree.js';

/** A running (or finished) unit: the leader of its own process group. */
export interface SpawnedUnit {
  readonly pid: number | undefined;
  readonly pgid: number | undefined;
  /** Resolves when the leader process exits (not when its pipes close); never rejects. */
  readonly exited: Promise<ExitInfo>;
  /** Resolves when stdout/stderr have ended and every line reached the sink. */
  readonly outputDone: Promise<void>;
  /** Sends `sig` to the whole process group and to known descendants that left it. */
  signal(sig: NodeJS.Signals): void;
}

export interface SpawnOptions {
  /** Measures durations; the real clock unless given. */
  readonly clock?: Clock;
}

/** What to start, below the unit level: shared by processes and the pipeline runner. */
export interface LaunchRequest {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** The child's argv[0], when it differs from `file` (a program found on PATH, named as written). */
  readonly argv0?: string;
  /** How many extra pipes (fd 3 onwards) to open from the child back to procs. */
  readonly extraFds?: number;
  readonly clock?: Clock;
}

/** A started child: its pids, its exit, and its stdio streams for the caller to consume. */
export interface Launched {
  readonly pid: number | undefined;
  readonly exited: Promise<ExitInfo>;
  readonly stdio: readonly (Readable | null | undefined)[];
  /** Its output pipes, as /proc names them, to find who else holds them. */
  readonly channels?: Channels;
  /** Calls `fn` once the pid and channels are known (at once when they are). */
  whenStarted?(fn: (channels: Channels | undefined) => void): void;
}

// The file and arguments a command runs as: argv directly, or the script through the shell.
export function commandLine(command: Command): [string, string[]] {
  return command.kind === 'exec' ? [command.file, [...command.args]] : [command.shell, ['-c', command.script]];
}

// Checks a working directory before spawning; gives the failure, or undefined when usable.
export function checkCwd(cwd: string): ExitInfo | undefined {
  try {
    if (statSync(cwd).isDirectory()) return undefined;
    return spawnFailure(`working directory is not a directory: ${cwd}`, 126, 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return spawnFailure(`working directory does not exist: ${cwd}`, 127, 0);
    if (code === 'ENOTDIR') return spawnFailure(`working directory is not a directory: ${cwd}`, 126, 0);
    return spawnFailure(`working directory is not accessible: ${cwd} (${code ?? 'error'})`, 126, 0);
  }
}

// A spawn error's text without values: env values must never reach messages, and Node's
// "Received …" echoes the offending value.
function withoutValues(detail: string): string {
  const envName = /options\.env\['([^']*)'\]/.exec(detail)?.[1];
  if (envName !== undefined) return `invalid value of environment variable ${envName}`;
  return detail.replace(/\.? ?Received[\s\S]*$/, '').replace(/:\s*[^:]*\0[\s\S]*$/, '');
}

// The ExitInfo for an errno that stopped `file` from starting.
export function spawnErrorInfo(errno: string | undefined, file: string, detail: string, durationMs: number): ExitInfo {
  switch (errno) {
    case 'ENOENT':
      return spawnFailure(`command not found: ${file}`, 127, durationMs);
    case 'EACCES':
      return spawnFailure(`permission denied: ${file}`, 126, durationMs);
    case 'ENOTDIR':
      return spawnFailure(`not a directory: ${file}`, 126, durationMs);
    default:
      return spawnFailure(`could not start ${file}: ${withoutValues(detail)}`, 126, durationMs);
  }
}

// A unit that never started: everything is already settled.
export function notStarted(exit: ExitInfo): SpawnedUnit {
  return {
    pid: undefined,
    pgid: undefined,
    exited: Promise.resolve(exit),
    outputDone: Promise.resolve(),
    signal: () => undefined,
  };
}

// Spawns detached (its own process group), stdin closed, stdout/stderr and extra fds writing
// into `pipes` (procs keeps the read ends).
function startDetached(req: LaunchRequest, pipes: readonly OutputPipe[]): ChildProcess {
  return spawn(req.file, req.args, {
    cwd: req.cwd,
    env: req.env,
    detached: true,
    stdio: ['ignore', ...pipes.map((p) => p.write)],
    ...(req.argv0 === undefined ? {} : { argv0: req.argv0 }),
  });
}

// A stream over the read end of an output pipe (non-blocking, read through the event loop).
function readStream(fd: number): Readable {
  return new Socket({ fd, readable: true, writable: false });
}

// The first string of a request holding a NUL byte, named as Node's spawn would name it.
function nulIn(req: LaunchRequest): string | undefined {
  for (const [k, v] of Object.entries(req.env)) if (k.includes('\0') || v.includes('\0')) return `invalid value of environment variable ${k}`;
  if (req.file.includes('\0') || (req.argv0?.includes('\0') ?? false)) return 'the file name holds a NUL byte';
  const i = req.args.findIndex((a) => a.includes('\0'));
  if (i >= 0) return `argument ${i + 1} holds a NUL byte`;
  return req.cwd.includes('\0') ? 'the working directory holds a NUL byte' : undefined;
}

// Starts a child through the spawner (spawner.ts): the same contract as through Node, except that
// the pid (and with it the channels) is read when first asked for, so that procs can go on with
// the next unit while the spawner forks. Output can be read at once: procs holds a write end of
// each pipe until the answer, so no reader sees an end before the child has its own.
function launchViaSpawner(req: LaunchRequest, clock: Clock, started: number): Launched | undefined {
  const failed = (errno: string | undefined, detail: string): ExitInfo => spawnErrorInfo(errno, req.file, detail, clock.now() - started);
  const nul = nulIn(req);
  if (nul !== undefined) return { pid: undefined, exited: Promise.resolve(failed(undefined, nul)), stdio: [] };
  let pipes: NamedPipe[];
  try {
    pipes = namedPipes(2 + (req.extraFds ?? 0));
  } catch (err) {
    return { pid: undefined, exited: Promise.resolve(failed((err as NodeJS.ErrnoException).code, String(err))), stdio: [] };
  }
  let resolveExit: (exit: ExitInfo) => void = () => undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    resolveExit = resolve;
  });
  let pid: number | undefined;
  let channels: Channels | undefined;
  let settled = false;
  const listeners: ((channels: Channels | undefined) => void)[] = [];
  const pending = spawnerSpawn(
    { file: req.file, argv0: req.argv0 ?? req.file, cwd: req.cwd, args: req.args, env: req.env, outputs: pipes.map((p) => p.path) },
    (result) => {
      settled = true;
      const links = unlinkPipes(pipes);
      if ('errno' in result) {
        resolveExit(failed(result.errno, `spawn ${req.file} ${result.errno}`));
      } else {
        pid = result.pid;
        channels = openChannels(links, readProc(result.pid)?.start);
        void result.exited.then((e) => resolveExit(e.errno === undefined ? exitInfo(e.code, e.signal, clock.now() - started) : failed(e.errno, `spawn ${req.file} ${e.errno}`)));
      }
      for (const fn of listeners.splice(0)) fn(channels);
    },
  );
  if (pending === undefined) {
    unlinkPipes(pipes);
    for (const p of pipes) closeSync(p.read);
    return undefined;
  }
  const stdio = [undefined, ...pipes.map((p) => readStream(p.read))];
  return {
    get pid() {
      pending.settle();
      return pid;
    },
    exited,
    stdio,
    get channels() {
      pending.settle();
      return channels;
    },
    whenStarted(fn) {
      if (settled) fn(channels);
      else listeners.push(fn);
    },
  };
}

// Starts a child and gives its exit as a value. A synchronous throw (an option Node rejects) or
// an asynchronous spawn error (ENOENT, EACCES…) becomes a failed run like any other.
export function launch(req: LaunchRequest): Launched {
  const clock = req.clock ?? realClock;
  const started = clock.now();
  if (spawnerAvailable()) {
    const viaSpawner = launchViaSpawner(req, clock, started);
    if (viaSpawner !== undefined) return viaSpawner;
  }
  const failed = (err: unknown): Launched => {
    const exit = spawnErrorInfo((err as NodeJS.ErrnoException).code, req.file, String(err), clock.now() - started);
    return { pid: undefined, exited: Promise.resolve(exit), stdio: [] };
  };
  let pipes: OutputPipe[];
  try {
    pipes = outputPipes(2 + (req.extraFds ?? 0));
  } catch (err) {
    return failed(err);
  }
  let sub: ChildProcess;
  try {
    sub = startDetached(req, pipes);
  } catch (err) {
    closePipes(pipes, 'both');
    return failed(err);
  }
  // The child holds the write ends now: the output ends once it and its descendants close them.
  closePipes(pipes, 'write');
  const channels = sub.pid === undefined ? undefined : openChannels(pipes.map((p) => p.link), readProc(sub.pid)?.start);
  if (sub.pid !== undefined) guardGroup(sub.pid);
  const exited = new Promise<ExitInfo>((resolve) => {
    sub.once('exit', (code, signal) => {
      if (sub.pid !== undefined) forgetGroup(sub.pid);
      resolve(exitInfo(code, signal, clock.now() - started));
    });
    // Without an `exit` event (the spawn itself failed) the error carries the errno.
    sub.on('error', (err: NodeJS.ErrnoException) => resolve(spawnErrorInfo(err.code, req.file, err.message, clock.now() - started)));
  });
  const stdio = [undefined, ...pipes.map((p) => readStream(p.read))];
  return { pid: sub.pid, exited, stdio, ...(channels ? { channels } : {}) };
}

// What a process unit execs: a string of plain words directly (with PWD set as the shell would
// export it), anything else as written.
function unitLine(unit: ProcessUnit): Pick<LaunchRequest, 'file' | 'args' | 'argv0' | 'env'> {
  const c = unit.command;
  const direct = c.kind === 'shell' ? directCommand(c.script, c.shell, unit.env, unit.cwd) : undefined;
  if (direct !== undefined) return { file: direct.file, args: direct.args, argv0: direct.argv0, env: { ...unit.env, PWD: unit.cwd } };
  const [file, args] = commandLine(c);
  return { file, args, env: unit.env };
}

// Spawns a process unit as the leader of its own process group, its output going to `sink`.
export function spawnUnit(unit: ProcessUnit, sink: OutputSink, opts: SpawnOptions = {}): SpawnedUnit {
  const badCwd = checkCwd(unit.cwd);
  if (badCwd !== undefined) return notStarted(badCwd);
  const run = launch({ ...unitLine(unit), cwd: unit.cwd, clock: opts.clock ?? realClock });
  const outputDone = Promise.all([
    pumpLines(run.stdio[1], sink, { unit: unit.name, stream: 'stdout' }),
    pumpLines(run.stdio[2], sink, { unit: unit.name, stream: 'stderr' }),
  ]).then(() => undefined);
  return groupLeader(run, run.exited, outputDone);
}

// Wraps a started group leader as a SpawnedUnit. Its pid is read from `run` when first asked for.
export function groupLeader(run: Launched, exited: Promise<ExitInfo>, outputDone: Promise<void>): SpawnedUnit {
  const unit: SpawnedUnit = {
    get pid() {
      return run.pid;
    },
    get pgid() {
      return run.pid;
    },
    exited,
    outputDone,
    signal: (sig) => signalUnit(unit, sig),
  };
  void exited.then(() => noteLeaderExit(unit));
  const watch = (channels: Channels | undefined): void => {
    if (channels === undefined) return;
    noteChannels(unit, channels);
    void outputDone.then(() => closeChannels(channels));
  };
  if (run.whenStarted === undefined) watch(run.channels);
  else run.whenStarted(watch);
  return unit;
}
