// The process host: everything procs does with OS processes for one running project — starting
// units (each the leader of its own process group, its output through pipes procs made), guarding
// their groups so that they end if procs dies, recording them for the next procs, and stopping
// their trees. Two implementations, chosen once by `createHost` (create-host.ts): the spawner
// (native/spawner.c; spawner-host.ts) and Node's child_process with the shell guardian
// (node-host.ts). Each owns its state: two hosts in one process share nothing.
import type { PipelineUnit, ProcessUnit, StopSpec } from '../config/spec.js';
import type { Clock } from '../base/clock.js';
import type { OutputSink } from '../events/sink.js';
import type { OutputPipe } from './output-pipes.js';
import type { OneShotRunner } from '../runtime/one-shot.js';
import type { AttachedCommand } from './attached.js';
import type { Launched, LaunchRequest, SpawnedUnit, SpawnOptions } from './spawn.js';
import type { UsageSample } from './usage.js';

export interface ProcessHost {
  /** How units start: through the spawner, or through Node's child_process (and the shell guardian). */
  readonly backend: 'spawner' | 'node';
  /** Starts a child as the leader of a new process group, its output into fresh pipes; a failure is a value. */
  launch(req: LaunchRequest): Launched;
  /** Starts a process unit, its output going line by line into `sink`. */
  spawnUnit(unit: ProcessUnit, sink: OutputSink, opts?: SpawnOptions): SpawnedUnit;
  /** Starts a pipeline unit: its runner leads the group, the steps are its children. */
  spawnPipeline(unit: PipelineUnit, sink: OutputSink, opts?: SpawnOptions): SpawnedUnit;
  /** `count` fresh pipes for a child's output. Throws when they cannot be made. */
  outputPipes(count: number): OutputPipe[];
  /** A unit's process group has just been created (its leader `pgid` spawned): guard and record it. */
  guardGroup(pgid: number): void;
  /** A descendant of a unit that left its group (found while stopping): kill it too if procs dies. */
  guardPid(pid: number): void;
  /** A unit's group is gone: no longer guarded nor recorded. */
  releaseGroup(pgid: number): void;
  /**
   * A command procs runs itself outside the units (`procs run`'s CMD): the group it leads, or,
   * when it shares procs' group (on a terminal), the process and its descendants, ended like a
   * unit's if procs dies.
   */
  guardCommand(pid: number, leadsGroup: boolean): void;
  /** Starts `procs run`'s CMD in the foreground (stdio inherited), guarded by this host. */
  startCommand(cmd: readonly string[], env: Readonly<Record<string, string>>): AttachedCommand;
  /** Runs a one-shot command (exec probes): its own group, killed whole at its timeout. */
  readonly runOneShot: OneShotRunner;
  /** Keeps the record of running groups in `path` (`.procs/groups.json`) from now on; undefined stops writing it. */
  recordGroupsIn(path: string | undefined): void;
  /** Sends `sig` to a unit's group and to its known descendants that left it. */
  signalUnit(unit: SpawnedUnit, sig: NodeJS.Signals, clock?: Clock): void;
  /** Stops a unit and everything it started (stop signal, SIGKILL after the timeout); `forced` when SIGKILL was needed. */
  stopUnit(unit: SpawnedUnit, stop: StopSpec, clock?: Clock): Promise<{ forced: boolean }>;
  /** After the leader exited on its own: stops what it left; `found` is false when nothing was left. */
  reapLeftovers(unit: SpawnedUnit, stop: StopSpec, clock?: Clock): Promise<{ forced: boolean; found: boolean }>;
  /** What the trees of the units led by `pids` use now (CPU time, memory), read from /proc. */
  sampleUsage(pids: readonly number[]): UsageSample;
  /** Closes the listening sockets of `owner` (a `listen:` process or pool) until it starts again. */
  releaseListen(owner: string): void;
  /** The spawner's pid while it runs (tests and benchmarks look for it). */
  spawnerPid(): number | undefined;
}
