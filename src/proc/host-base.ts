// What both process hosts share: units spawned, signalled and stopped through `launch` and the
// host's own reads of /proc, channels, group record and shell guardian.
import { ownPort } from '../config/ports.js';
import type { PipelineUnit, ProcessUnit, StopSpec, UnitSpec } from '../config/spec.js';
import { spawnFailure } from '../events/signals.js';
import type { Clock } from '../base/clock.js';
import type { OutputSink } from '../events/sink.js';
import type { OneShotRunner } from '../runtime/one-shot.js';
import { type AttachedCommand, startAttached } from './attached.js';
import { GroupRecord } from './group-record.js';
import type { ListenSockets } from './listen-sockets.js';
import { ChannelWatch } from './holders.js';
import type { ProcessHost } from './host.js';
import type { FifoPool, OutputPipe } from './output-pipes.js';
import { spawnPipeline } from './pipeline.js';
import { runOneShot } from './one-shot.js';
import type { PortBook } from './port-book.js';
import { portHolder, portInUse } from './ports.js';
import { ProcScans, readProc } from './procfs.js';
import { ShellGuardian } from './shell-guardian.js';
import { ProgramFinder } from './simple-command.js';
import { type Launched, type LaunchRequest, type SpawnedUnit, type SpawnOptions, notStarted, spawnUnit } from './spawn.js';
import { reapLeftovers, signalUnit, stopUnit, type TreeContext } from './tree.js';
import { UsageSampler, type UsageSample } from './usage.js';

export interface HostOptions {
  /**
   * Whether the shell guardian guards the groups of units started through Node from the first
   * spawn (the real driver turns it on). Off, it starts only for `guardCommand`.
   */
  readonly guardian?: boolean;
  /** The ports picked for `port: auto` units, held until each unit starts. */
  readonly ports?: PortBook | undefined;
}

export abstract class HostBase implements ProcessHost {
  abstract readonly backend: 'spawner' | 'node';
  /** Running groups, for `.procs/groups.json`. */
  protected readonly record = new GroupRecord();
  /** The pipes of units whose output has not ended, and who holds them. */
  protected readonly channels = new ChannelWatch();
  /** Guards the groups of units started through Node. */
  protected readonly guardian: ShellGuardian;
  /** How stops read /proc and whom they tell of escaped descendants. */
  readonly trees: TreeContext;
  /** The programs of plain-word commands, found once per PATH, cwd and name. */
  readonly programs = new ProgramFinder();
  /** Units whose leader runs or whose output has not ended (with their names), for their trees' usage. */
  readonly #units = new Map<SpawnedUnit, string>();
  readonly #usage = new UsageSampler();
  readonly #book: PortBook | undefined;

  constructor(opts: HostOptions) {
    this.guardian = new ShellGuardian(opts.guardian ?? false);
    this.#book = opts.ports;
    this.trees = { scans: new ProcScans(), channels: this.channels, guard: this };
  }

  abstract launch(req: LaunchRequest): Launched;
  /** The sockets of `listen:` units (none can be held without the spawner). */
  protected abstract get listenSockets(): ListenSockets;
  /** The FIFOs this host's units write into. */
  protected abstract get pipes(): FifoPool;
  /** Tells the spawner a guardian line; false when there is none (or it does not run). */
  protected abstract spawnerGuard(line: string): boolean;
  abstract spawnerPid(): number | undefined;
  abstract guardCommand(pid: number, leadsGroup: boolean): void;

  /** One-shot commands (exec probes) are guarded like units while they run. */
  readonly runOneShot: OneShotRunner = (command, options) =>
    runOneShot(command, options, { guard: (pgid) => this.guardCommand(pgid, true), release: (pgid) => this.releaseGroup(pgid) });

  startCommand(cmd: readonly string[], env: Readonly<Record<string, string>>): AttachedCommand {
    return startAttached(cmd, env, (pid, leadsGroup) => this.guardCommand(pid, leadsGroup));
  }

  spawnUnit(unit: ProcessUnit, sink: OutputSink, opts: SpawnOptions = {}): SpawnedUnit {
    if (unit.listen !== undefined) {
      // The sockets are procs' own: binding them is the check that the ports are free.
      const grant = this.listenSockets.grant(unit.listen, unit.env, (pid) => this.#unitOf(pid));
      if (typeof grant === 'string') return notStarted(spawnFailure(grant, 126, 0));
      return this.#keep(unit.name, spawnUnit(this, unit, sink, { ...opts, listen: grant }));
    }
    const busy = this.#portBusy(unit);
    return busy === undefined ? this.#keep(unit.name, spawnUnit(this, unit, sink, opts)) : notStarted(spawnFailure(busy, 126, 0));
  }

  releaseListen(owner: string): void {
    this.listenSockets.release(owner);
  }

  spawnPipeline(unit: PipelineUnit, sink: OutputSink, opts: SpawnOptions = {}): SpawnedUnit {
    const busy = this.#portBusy(unit);
    return busy === undefined ? this.#keep(unit.name, spawnPipeline(this, unit, sink, opts)) : notStarted(spawnFailure(busy, 126, 0));
  }

  // Why the unit cannot start because the port it listens on (its PORT, unless only inherited from
  // procs) is taken, or undefined when it is free. Checked before every start, restarts included:
  // anything may have taken the port meanwhile. A unit's restart comes after its stop has ended
  // its tree, so a holder in this project is another unit that runs, not one that is stopping.
  // The port of a probe is not checked: a probe may wait for a service procs does not run.
  #portBusy(unit: UnitSpec): string | undefined {
    const port = ownPort(unit, process.env.PORT);
    if (port === undefined) return undefined;
    // A `port: auto` port procs holds is let go of just before the unit starts.
    this.#book?.release(port);
    const holder = portHolder(port);
    return holder === undefined ? undefined : portInUse(holder, (pid) => this.#unitOf(pid));
  }

  // The unit of this host whose process group `pid` is in.
  #unitOf(pid: number): string | undefined {
    const pgid = readProc(pid)?.pgid;
    if (pgid === undefined) return undefined;
    for (const [u, name] of this.#units) if (u.pgid === pgid || u.tree.tracked.some((t) => t.pid === pid)) return name;
    return undefined;
  }

  sampleUsage(pids: readonly number[]): UsageSample {
    const trees = new Map<number, SpawnedUnit['tree']>();
    for (const u of this.#units.keys()) if (u.pgid !== undefined) trees.set(u.pgid, u.tree);
    return this.#usage.sample(
      pids.map((pgid) => ({ pgid, tree: trees.get(pgid) })),
      this.channels,
    );
  }

  // Knows the unit until its leader has exited and its output ended.
  #keep(name: string, unit: SpawnedUnit): SpawnedUnit {
    this.#units.set(unit, name);
    void Promise.all([unit.exited, unit.outputDone]).then(() => this.#units.delete(unit));
    return unit;
  }

  outputPipes(count: number): OutputPipe[] {
    return this.pipes.outputPipes(count);
  }

  guardGroup(pgid: number): void {
    this.record.note(pgid);
    this.guardian.send(`g ${pgid}\n`, true);
  }

  guardPid(pid: number): void {
    this.spawnerGuard(`p ${pid}\n`);
    this.guardian.send(`p ${pid}\n`, false);
  }

  releaseGroup(pgid: number): void {
    this.record.forget(pgid);
    this.spawnerGuard(`u ${pgid}\n`);
    this.guardian.send(`u ${pgid}\n`, false);
  }

  recordGroupsIn(path: string | undefined): void {
    this.record.recordIn(path);
  }

  signalUnit(unit: SpawnedUnit, sig: NodeJS.Signals, clock?: Clock): void {
    signalUnit(this.trees, unit, sig, clock);
  }

  stopUnit(unit: SpawnedUnit, stop: StopSpec, clock?: Clock): Promise<{ forced: boolean }> {
    return stopUnit(this.trees, unit, stop, clock);
  }

  reapLeftovers(unit: SpawnedUnit, stop: StopSpec, clock?: Clock): Promise<{ forced: boolean; found: boolean }> {
    return reapLeftovers(this.trees, unit, stop, clock);
  }

  // The shell guardian guards the command (started now if it is not running yet).
  protected guardCommandWithShell(line: string): void {
    this.guardian.enable();
    this.guardian.send(line, true);
  }
}
