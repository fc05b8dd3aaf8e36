// Starting a child through the spawner (spawner.ts): the same contract as through Node, except
// that the pid (and with it the channels) comes later, through the event loop, or at once when
// first asked for, so that procs can go on with the next unit while the spawner forks. Output can
// be read at once: procs holds a write end of each pipe until the answer, so no reader sees an
// end before the child has its own; and output that comes before the answer has it read first,
// so that the unit's start is known before its first line.
import { closeSync } from 'node:fs';
import type { Clock } from '../base/clock.js';
import { exitInfo } from '../events/signals.js';
import type { ExitInfo } from '../events/types.js';
import type { Channels, ChannelWatch } from './holders.js';
import type { NamedPipe } from './output-pipes.js';
import { readProc } from './procfs.js';
import { type LaunchRequest, type Launched, readStream, spawnErrorInfo, writeStream } from './spawn.js';
import type { SpawnerClient } from './spawner.js';

// The first string of a request holding a NUL byte, named as Node's spawn would name it.
function nulIn(req: LaunchRequest): string | undefined {
  for (const [k, v] of Object.entries(req.env)) if (k.includes('\0') || v.includes('\0')) return `invalid value of environment variable ${k}`;
  if (req.file.includes('\0') || (req.argv0?.includes('\0') ?? false)) return 'the file name holds a NUL byte';
  const i = req.args.findIndex((a) => a.includes('\0'));
  if (i >= 0) return `argument ${i + 1} holds a NUL byte`;
  return req.cwd.includes('\0') ? 'the working directory holds a NUL byte' : undefined;
}

/** Starts a child through `spawner`; undefined when the spawner is not there (the caller uses Node). */
export function launchViaSpawner(spawner: SpawnerClient, channelWatch: ChannelWatch, req: LaunchRequest, clock: Clock, started: number): Launched | undefined {
  const failed = (errno: string | undefined, detail: string): ExitInfo => spawnErrorInfo(errno, req.file, detail, clock.now() - started);
  const nul = nulIn(req);
  if (nul !== undefined) return { pid: undefined, exited: Promise.resolve(failed(undefined, nul)), stdio: [] };
  let pipes: NamedPipe[];
  try {
    pipes = spawner.pool.namedPipes(2 + (req.extraFds ?? 0) + (req.input === undefined ? 0 : 1));
  } catch (err) {
    return { pid: undefined, exited: Promise.resolve(failed((err as NodeJS.ErrnoException).code, String(err))), stdio: [] };
  }
  // The input pipe, if any, is the last: the child reads it, procs keeps its write end.
  const input = req.input === undefined ? undefined : pipes.pop();
  const inputPath = input === undefined ? [] : [`<${input.path}`];
  let resolveExit: (exit: ExitInfo) => void = () => undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    resolveExit = resolve;
  });
  let pid: number | undefined;
  let channels: Channels | undefined;
  let settled = false;
  const listeners: ((channels: Channels | undefined) => void)[] = [];
  const pending = spawner.spawn(
    {
      file: req.file,
      argv0: req.argv0 ?? req.file,
      cwd: req.cwd,
      args: req.args,
      env: req.env,
      // stdout and stderr, the listening sockets from fd 3, the other pipes, the input.
      outputs: [
        ...pipes.slice(0, 2).map((p) => p.path),
        ...(req.listen ?? []).map((id) => `=${id}`),
        ...pipes.slice(2).map((p) => p.path),
        ...(req.input === 'fd' ? inputPath : []),
      ],
      ...(req.input === 'stdin' && input !== undefined ? { stdin: input.path } : {}),
    },
    (result) => {
      settled = true;
      const links = spawner.pool.unlinkPipes(pipes);
      if (input !== undefined) spawner.pool.unlinkInput(input);
      // A relay outside the unit's tree writes fd 1: no holder of it is a leftover.
      if (req.relayed === true) links.shift();
      if ('errno' in result) {
        resolveExit(failed(result.errno, `spawn ${req.file} ${result.errno}`));
      } else {
        pid = result.pid;
        channels = channelWatch.open(links, readProc(result.pid)?.start);
        void result.exited.then((e) =>
          resolveExit(e.errno === undefined ? exitInfo(e.code, e.signal, clock.now() - started) : failed(e.errno, `spawn ${req.file} ${e.errno}`)),
        );
      }
      for (const fn of listeners.splice(0)) fn(channels);
    },
  );
  if (pending === undefined) {
    spawner.pool.unlinkPipes(pipes);
    for (const p of pipes) closeSync(p.read);
    if (input !== undefined) {
      spawner.pool.unlinkInput(input);
      closeSync(input.write);
    }
    return undefined;
  }
  const streams = pipes.map((p) => readStream(p.read));
  const early = (): void => {
    pending.settle();
  };
  if (!settled) {
    // Listening before any reader of the output does, so first in line.
    for (const s of streams) s.on('readable', early);
    listeners.push(() => {
      for (const s of streams) s.removeListener('readable', early);
    });
  }
  const stdio = [undefined, ...streams];
  return {
    ...(input === undefined ? {} : { input: writeStream(input.write) }),
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
