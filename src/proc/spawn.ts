// Starting one unit as the leader of its own process group, with its output flowing line by line
// into a sink. A run that cannot start is a value (an ExitInfo with `error`), never an exception.
import { statSync } from 'node:fs';
import type { ListenGrant } from './listen-sockets.js';
import type { Readable, Writable } from 'node:stream';
import { Socket } from 'node:net';
import type { Command, ProcessUnit } from '../config/spec.js';
import type { ExitInfo } from '../events/types.js';
import type { OutputSink } from '../events/sink.js';
import { type Clock, realClock } from '../base/clock.js';
import type { Channels } from './holders.js';
import { pumpLines } from './lines.js';
import { TerminalLines } from './terminal-lines.js';
import { onTerminal, outputEnv, ttyHelper } from './tty.js';
import { DEFAULT_WINDOW, type UnitInput, type WindowSize } from './unit-input.js';
import { RawOutput, unitInput } from './unit-io.js';
import { directCommand, type ProgramFinder } from './simple-command.js';
import { spawnFailure } from '../events/signals.js';
import { maskEnvValues } from '../config/redact.js';
import { signalUnit, type TreeContext, UnitTree } from './tree.js';

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
  /** What procs knows of its tree: descendants that left the group, whether it was killed… */
  readonly tree: UnitTree;
  /** Its terminal (`tty: true`) or stdin pipe (`stdin: true`) and raw output; none for other units. */
  readonly input?: UnitInput;
  /**
   * Calls `fn` once its pid is known (at once when it is), for a unit whose pid comes later
   * (through the spawner): reading `pid` before then waits for it.
   */
  whenStarted?(fn: () => void): void;
}

/** What starts units: a process host (host.ts). */
export interface Launcher {
  /** Starts a child as the leader of a new process group, its output into fresh pipes. */
  launch(req: LaunchRequest): Launched;
  /** How the host stops and signals its units' trees. */
  readonly trees: TreeContext;
  /** Finds the programs of plain-word commands. */
  readonly programs: ProgramFinder;
}

export interface SpawnOptions {
  /** Measures durations; the real clock unless given. */
  readonly clock?: Clock;
  /** The window size of a `tty: true` unit's terminal (DEFAULT_WINDOW unless given). */
  readonly size?: WindowSize;
  /** Whether the unit's lines go to procs' coloured terminal: units without `tty` get FORCE_COLOR=1 (tty.ts). */
  readonly color?: boolean;
  /** The unit's listening sockets and their variables (`listen:`); the host gets them. */
  readonly listen?: ListenGrant;
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
  /**
   * A pipe from procs into the child (Launched.input): as its stdin, or as the fd after its
   * output pipes (a terminal helper's control channel, tty.ts).
   */
  readonly input?: 'stdin' | 'fd';
  /**
   * fd 1's pipe is written by a relay outside the unit's tree (the terminal helper's): left out
   * of the channels whose holders a stop looks for, so that the relay is no leftover.
   */
  readonly relayed?: boolean;
  /** Listening sockets the spawner holds (listen-sockets.ts), given as fd 3 onwards, before any other. */
  readonly listen?: readonly string[];
  readonly clock?: Clock;
}

/** A started child: its pids, its exit, and its stdio streams for the caller to consume. */
export interface Launched {
  readonly pid: number | undefined;
  readonly exited: Promise<ExitInfo>;
  readonly stdio: readonly (Readable | null | undefined)[];
  /** procs' end of the pipe asked for by LaunchRequest.input, while the child may read it. */
  readonly input?: Writable;
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
    tree: new UnitTree(),
  };
}

// A stream over the read end of an output pipe (non-blocking, read through the event loop).
export function readStream(fd: number): Readable {
  return new Socket({ fd, readable: true, writable: false });
}

// A stream over procs' end of an input pipe (written through the event loop).
export function writeStream(fd: number): Writable {
  return new Socket({ fd, readable: false, writable: true });
}

// What a process unit execs: a string of plain words directly (with PWD set as the shell would
// export it), anything else as written.
function unitLine(unit: ProcessUnit, programs: ProgramFinder): Pick<LaunchRequest, 'file' | 'args' | 'argv0' | 'env'> {
  const c = unit.command;
  const direct = c.kind === 'shell' ? directCommand(c.script, c.shell, unit.env, unit.cwd, programs) : undefined;
  if (direct !== undefined) return { file: direct.file, args: direct.args, argv0: direct.argv0, env: { ...unit.env, PWD: unit.cwd } };
  const [file, args] = commandLine(c);
  return { file, args, env: unit.env };
}

// What a process unit's launch asks for: the unit's line, or the terminal helper running it.
function unitRequest(host: Launcher, unit: ProcessUnit, opts: SpawnOptions): LaunchRequest | ExitInfo {
  const line = unitLine(unit, host.programs);
  const listen = opts.listen;
  const env = outputEnv(unit, listen === undefined ? line.env : { ...line.env, ...listen.env }, opts.color ?? false);
  const base = { cwd: unit.cwd, env, clock: opts.clock ?? realClock, ...(listen === undefined ? {} : { listen: listen.ids }) };
  if (unit.tty !== true) return { ...line, ...base, ...(unit.stdin === true ? { input: 'stdin' as const } : {}) };
  const helper = ttyHelper();
  if ('missing' in helper) return spawnFailure(helper.missing, 126, 0);
  // The control channel comes after stdout, stderr and the listening sockets.
  return { ...onTerminal(helper, line, opts.size ?? DEFAULT_WINDOW, 3 + (listen?.ids.length ?? 0), 'stdio'), ...base, input: 'fd', relayed: true };
}

/** The splitter of a unit on a terminal. */
const terminalSplitter = (): TerminalLines => new TerminalLines();

// Spawns a process unit as the leader of its own process group, its output going to `sink`.
export function spawnUnit(host: Launcher, unit: ProcessUnit, sink: OutputSink, opts: SpawnOptions = {}): SpawnedUnit {
  const badCwd = checkCwd(unit.cwd);
  if (badCwd !== undefined) return notStarted(withoutEnvValues(badCwd, unit.env));
  const req = unitRequest(host, unit, opts);
  if (!('file' in req)) return notStarted(withoutEnvValues(req, unit.env));
  const run = host.launch(req);
  const raw = unit.tty === true || unit.stdin === true ? new RawOutput() : undefined;
  // A terminal's output (colours, "\r" progress, cursor moves) is played on one line each.
  const pump = { ...(raw === undefined ? {} : { tap: raw.tap }), ...(unit.tty === true ? { splitter: terminalSplitter } : {}) };
  const outputDone = Promise.all([
    pumpLines(run.stdio[1], sink, { unit: unit.name, stream: 'stdout' }, pump),
    pumpLines(run.stdio[2], sink, { unit: unit.name, stream: 'stderr' }, pump),
  ]).then(() => undefined);
  const exited = run.exited.then((exit) => withoutEnvValues(exit, unit.env));
  return groupLeader(host.trees, run, exited, outputDone, raw && unitInput(unit.tty === true, run.input, raw, outputDone));
}

/**
 * A spawn failure's text with the unit's env values masked: it names the command or the folder,
 * which may hold an interpolated value (`command not found: /opt/${TOKEN}/run`).
 */
export function withoutEnvValues(exit: ExitInfo, env: Readonly<Record<string, string>>): ExitInfo {
  return exit.error === undefined ? exit : { ...exit, error: maskEnvValues(exit.error, env) };
}

// Wraps a started group leader as a SpawnedUnit, its tree stopped and signalled through `trees`.
// Its pid is read from `run` when first asked for.
export function groupLeader(trees: TreeContext, run: Launched, exited: Promise<ExitInfo>, outputDone: Promise<void>, input?: UnitInput): SpawnedUnit {
  const tree = new UnitTree();
  const unit: SpawnedUnit = {
    ...(input === undefined ? {} : { input }),
    get pid() {
      return run.pid;
    },
    get pgid() {
      return run.pid;
    },
    exited,
    outputDone,
    signal: (sig) => signalUnit(trees, unit, sig),
    tree,
    ...(run.whenStarted === undefined ? {} : { whenStarted: (fn: () => void) => run.whenStarted?.(() => fn()) }),
  };
  void exited.then(() => {
    tree.leaderExited = true;
  });
  const watch = (channels: Channels | undefined): void => {
    if (channels === undefined) return;
    tree.channels = channels;
    void outputDone.then(() => trees.channels.close(channels));
  };
  if (run.whenStarted === undefined) watch(run.channels);
  else run.whenStarted(watch);
  return unit;
}
