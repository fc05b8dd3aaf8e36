// Starting a child with Node's child_process: detached (its own process group), stdin closed,
// stdout/stderr and extra fds writing into pipes procs made (output-pipes.ts). How units start
// without the spawner, and once it is gone.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants as fsc, openSync } from 'node:fs';
import { type Clock, realClock } from '../base/clock.js';
import { exitInfo, spawnFailure } from '../events/signals.js';
import type { ExitInfo } from '../events/types.js';
import type { ChannelWatch } from './holders.js';
import { closePipes, type FifoPool, type OutputPipe } from './output-pipes.js';
import { readProc } from './procfs.js';
import { type LaunchRequest, type Launched, readStream, spawnErrorInfo, writeStream } from './spawn.js';

/** What a Node launch uses of its host. */
export interface NodeLaunchParts {
  readonly pipes: FifoPool;
  readonly channels: ChannelWatch;
  /** The leader `pgid` of a new group has just been spawned: guard it. */
  guardGroup(pgid: number): void;
  /** The leader `pgid` has exited: its group is no longer recorded. */
  forgetGroup(pgid: number): void;
}

// Spawns detached (its own process group), stdin closed or the input pipe, stdout/stderr and
// extra fds writing into `pipes` (procs keeps the read ends), then the input pipe when asked for as an fd.
function startDetached(req: LaunchRequest, pipes: readonly OutputPipe[], input: number | undefined): ChildProcess {
  const stdin = req.input === 'stdin' && input !== undefined ? input : 'ignore';
  const after = req.input === 'fd' && input !== undefined ? [input] : [];
  return spawn(req.file, req.args, {
    cwd: req.cwd,
    env: req.env,
    detached: true,
    stdio: [stdin, ...pipes.map((p) => p.write), ...after],
    ...(req.argv0 === undefined ? {} : { argv0: req.argv0 }),
  });
}

// A pipe into a child (its stdin, or a terminal helper's control channel): procs keeps the write
// end (non-blocking), the child gets a blocking read end, as a stdin should be.
function inputPipe(pool: FifoPool): { readonly read: number; readonly write: number } {
  const [named] = pool.namedPipes(1);
  if (named === undefined) throw new Error('no pipe');
  try {
    return { read: openSync(named.path, fsc.O_RDONLY), write: named.write };
  } catch (err) {
    closeSync(named.write);
    throw err;
  } finally {
    pool.unlinkInput(named);
  }
}

// Starts a child and gives its exit as a value. A synchronous throw (an option Node rejects) or
// an asynchronous spawn error (ENOENT, EACCES…) becomes a failed run like any other.
export function launchNode(parts: NodeLaunchParts, req: LaunchRequest, clock: Clock = req.clock ?? realClock, started = clock.now()): Launched {
  const failed = (err: unknown): Launched => {
    const exit = spawnErrorInfo((err as NodeJS.ErrnoException).code, req.file, String(err), clock.now() - started);
    return { pid: undefined, exited: Promise.resolve(exit), stdio: [] };
  };
  if (req.listen !== undefined && req.listen.length > 0) {
    // Only the spawner holds listening sockets; they cannot reach a child started through Node.
    const exit = spawnFailure('listen: the sockets are held by procs-spawner, which is gone; restart procs', 126, clock.now() - started);
    return { pid: undefined, exited: Promise.resolve(exit), stdio: [] };
  }
  let pipes: OutputPipe[];
  try {
    pipes = parts.pipes.outputPipes(2 + (req.extraFds ?? 0));
  } catch (err) {
    return failed(err);
  }
  let input: { readonly read: number; readonly write: number } | undefined;
  try {
    if (req.input !== undefined) input = inputPipe(parts.pipes);
  } catch (err) {
    closePipes(pipes, 'both');
    return failed(err);
  }
  let sub: ChildProcess;
  try {
    sub = startDetached(req, pipes, input?.read);
  } catch (err) {
    closePipes(pipes, 'both');
    if (input !== undefined) for (const fd of [input.read, input.write]) closeSync(fd);
    return failed(err);
  }
  // The child holds the write ends now: the output ends once it and its descendants close them.
  closePipes(pipes, 'write');
  if (input !== undefined) closeSync(input.read);
  // A relay outside the unit's tree writes fd 1: no holder of it is a leftover.
  const links = pipes.map((p) => p.link).slice(req.relayed === true ? 1 : 0);
  const channels = sub.pid === undefined ? undefined : parts.channels.open(links, readProc(sub.pid)?.start);
  if (sub.pid !== undefined) parts.guardGroup(sub.pid);
  const exited = new Promise<ExitInfo>((resolve) => {
    sub.once('exit', (code, signal) => {
      if (sub.pid !== undefined) parts.forgetGroup(sub.pid);
      resolve(exitInfo(code, signal, clock.now() - started));
    });
    // Without an `exit` event (the spawn itself failed) the error carries the errno.
    sub.on('error', (err: NodeJS.ErrnoException) => resolve(spawnErrorInfo(err.code, req.file, err.message, clock.now() - started)));
  });
  const stdio = [undefined, ...pipes.map((p) => readStream(p.read))];
  return { pid: sub.pid, exited, stdio, ...(channels ? { channels } : {}), ...(input === undefined ? {} : { input: writeStream(input.write) }) };
}
