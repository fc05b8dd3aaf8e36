// The runs of units: starting one, taking its pid, seeing its leader exit, ending it under the
// restart policy, and stopping it. Each move of a unit's lifecycle (lifecycle.ts) with the work
// around it: the driver, the clock, the events. The supervisor decides which units move when.
import type { UnitSpec } from '../config/spec.js';
import type { DistributiveOmit } from '../events/bus.js';
import type { ExitInfo, ProcsEvent } from '../events/types.js';
import { isoTime, type Clock } from '../base/clock.js';
import type { ProcessDriver, RunningProcess } from './driver.js';
import { decideAfterExit, type EndCause } from './restart-policy.js';
import { UnitHooks } from './hooks.js';
import {
  backingOff,
  completed,
  endingOf,
  failed,
  failedLiveness,
  isLive,
  isSteady,
  launched,
  type Live,
  leaderExited,
  readied,
  runOf,
  spawned,
  stopped,
  stopRequested,
  type UnitRecord,
  type Waiting,
} from './lifecycle.js';

export type EventInput = DistributiveOmit<ProcsEvent, 'ts'>;

/** What the runs need from the supervisor around them. */
export interface RunsHost {
  readonly driver: ProcessDriver;
  readonly clock: Clock;
  readonly onRunning?: (unit: UnitSpec, run: number) => void;
  readonly onEnded?: (unit: UnitSpec, run: number) => void;
  emit(e: EventInput): void;
  /** Starts what may start now (a unit completed, failed or became ready). */
  schedule(): void;
  /** A unit settled: idle waiters may go. */
  checkIdle(): void;
  /** Everything is being stopped: an ended run is not restarted. */
  shuttingDown(): boolean;
  /** Everything is being killed at once. */
  killing(): boolean;
  /** A run ended and the unit restarts under its policy (its dependents may follow). */
  restarting?(r: UnitRecord): void;
  /** A scheduled unit's run is over (`failure` says why it failed): true when it now waits for its next tick. */
  runOver?(r: UnitRecord, from: Live, exit: ExitInfo, failure: string | undefined): boolean;
}

export class UnitRuns {
  readonly #host: RunsHost;
  /** The units' hooks (hooks.ts). */
  readonly hooks: UnitHooks;
  #runs = 0;
  /** Runs started whose pid is still to come, each with what resolves when it comes. */
  readonly #awaitingPid = new Map<RunningProcess, () => void>();
  /** A schedule is queued for pids that came through the event loop. */
  #scheduleQueued = false;
  readonly #pidPromises = new Map<RunningProcess, Promise<void>>();

  constructor(host: RunsHost) {
    this.#host = host;
    this.hooks = new UnitHooks(host);
  }

  /** Asks the driver to start a unit; `started` then takes its pid. */
  start(r: UnitRecord, from: Waiting): RunningProcess {
    const { clock, driver } = this.#host;
    r.attempts += 1;
    const startedAt = clock.now();
    r.startedAt = isoTime(clock.wallNow());
    const id = ++this.#runs;
    const proc = driver.start(r.spec);
    r.phase = launched(from, { id, proc, startedAt, alive: true });
    void proc.exited.then((exit) => this.#exited(r, proc, exit));
    return proc;
  }

  /** Takes the started run's pid: at once when known, else when it comes (through the event loop). */
  started(r: UnitRecord, proc: RunningProcess): void {
    let later = false;
    const take = (): void => {
      this.#awaitingPid.get(proc)?.();
      this.#spawned(r, proc);
      // It came later, maybe while procs was busy elsewhere: what it lets start goes after that,
      // once for all the pids that came together (one look at the pending units, not one each).
      if (later && !this.#scheduleQueued) {
        this.#scheduleQueued = true;
        queueMicrotask(() => {
          this.#scheduleQueued = false;
          this.#host.schedule();
        });
      }
    };
    if (proc.whenStarted === undefined) return take();
    this.#pidPromises.set(
      proc,
      new Promise<void>((resolve) =>
        this.#awaitingPid.set(proc, () => {
          this.#awaitingPid.delete(proc);
          this.#pidPromises.delete(proc);
          resolve();
        }),
      ),
    );
    proc.whenStarted(take);
    later = true;
  }

  /**
   * Resolves once every run started so far whose pid was still to come has it (or could not
   * spawn): the spawner's answers come through the event loop, which this does not block.
   */
  pidsKnown(): Promise<void> {
    return Promise.all(this.#pidPromises.values()).then(() => undefined);
  }

  #spawned(r: UnitRecord, proc: RunningProcess): void {
    const p = r.phase;
    if (p.kind !== 'starting' || p.run.proc !== proc) return;
    if (proc.pid === undefined) return; // could not spawn: `exited` brings the reason
    r.phase = spawned(p);
    r.everStarted = true;
    this.#host.emit({ type: 'spawn', unit: r.spec.name, pid: proc.pid, attempt: r.attempts, state: 'running' });
    this.#host.onRunning?.(r.spec, p.run.id);
    // Without a readiness probe a unit is ready once started (and its post_start hook has passed); the scheduling loop picks that up.
    if (!r.spec.health.readiness && !this.#postStart(r, p.run.proc)) r.everReady = true;
  }

  /** Its readiness probe passed for `run` (the current run when not given). */
  markReady(r: UnitRecord, run?: number): void {
    if (!isLive(r.phase) || !this.#current(r, run)) return;
    const p = r.phase;
    const hooked = r.spec.hooks?.post_start !== undefined;
    if (isLive(p) && p.kind !== 'ready') {
      r.phase = readied(p);
      this.#host.emit({ type: 'ready', unit: r.spec.name, afterMs: Math.round(this.#host.clock.now() - p.run.startedAt), state: 'ready' });
      this.#postStart(r, p.run.proc);
    }
    // With a post_start hook, dependents wait for it (#postStart).
    if (!hooked) this.#upForDependents(r);
  }

  #upForDependents(r: UnitRecord): void {
    const first = !r.everReady;
    r.everReady = true;
    if (first) this.#host.schedule();
  }

  // Runs the post_start hook of the run of `proc` (false when the unit has none): on success the
  // unit is up for its dependents, on failure the run ends under the restart policy.
  #postStart(r: UnitRecord, proc: RunningProcess): boolean {
    if (!r.spec.hooks?.post_start) return false;
    void this.hooks.postStart(r.spec).then((outcome) => {
      if (runOf(r.phase)?.proc !== proc || !isSteady(r.phase)) return;
      if (outcome.ok) this.#upForDependents(r);
      else if (!outcome.canceled) this.markUnhealthy(r, outcome.reason, undefined, 'post_start');
    });
    return true;
  }

  /** Its liveness probe (or post_start hook) gave up for `run`: the run is stopped, then the policy decides. */
  markUnhealthy(r: UnitRecord, reason: string, run?: number, cause: 'liveness' | 'post_start' = 'liveness'): void {
    if (!isSteady(r.phase) || !this.#current(r, run)) return;
    const p = r.phase;
    if (!isSteady(p)) return;
    const proc = p.run.proc;
    const ending = deferred();
    r.phase = failedLiveness(p, ending.promise);
    this.#host.emit({ type: 'unhealthy', unit: r.spec.name, reason, state: 'unhealthy' });
    this.hooks.cancelPostStart(r.spec.name);
    const stopped = cause === 'liveness' ? this.hooks.stopRun(r.spec, proc, p.run.alive) : this.#host.driver.stop(r.spec, proc);
    stopped.then(async () => this.#ended(r, proc, await proc.exited, cause, reason)).then(ending.resolve, ending.reject);
  }

  // Whether a probe result for `run` is about the live process of the unit's current run.
  #current(r: UnitRecord, run: number | undefined): boolean {
    const live = runOf(r.phase);
    if (!live || (run !== undefined && run !== live.id) || !live.alive) return false;
    if (this.#host.driver.alive?.(live.proc) === false) {
      this.#leaderGone(r);
      return false;
    }
    return true;
  }

  // The leader of the current run has exited: its probes stop and no result of theirs counts.
  #leaderGone(r: UnitRecord): void {
    const p = r.phase;
    if (!(isLive(p) || p.kind === 'stopping') || !p.run.alive) return;
    r.phase = leaderExited(p);
    this.hooks.cancelPostStart(r.spec.name);
    this.#host.onEnded?.(r.spec, p.run.id);
  }

  // The leader exited: unless a stop is handling it, clear what is left of the tree (the group, and
  // processes still holding its output) and only then apply the policy: a restart never overlaps.
  async #exited(r: UnitRecord, proc: RunningProcess, exit: ExitInfo): Promise<void> {
    if (runOf(r.phase)?.proc !== proc) return;
    this.#leaderGone(r);
    r.lastExit = exit;
    if (endingOf(r.phase)) return;
    if (proc.pid !== undefined) await this.#host.driver.settle(r.spec, proc);
    await this.#drained(proc);
    // A stop that came meanwhile has already ended this run (and said so).
    const p = r.phase;
    if (!isLive(p) || p.run.proc !== proc || endingOf(p)) return;
    this.#ended(r, proc, exit, 'exit');
  }

  // Waits for the last output lines, but never long: an escaped grandchild may hold the pipe.
  #drained(proc: RunningProcess): Promise<void> {
    return new Promise((resolve) => {
      const t = this.#host.clock.setTimer(1000, resolve);
      void proc.outputDone.then(() => {
        t.cancel();
        resolve();
      });
    });
  }

  #ended(r: UnitRecord, proc: RunningProcess, exit: ExitInfo, cause: EndCause, why?: string): void {
    if (runOf(r.phase)?.proc !== proc) return;
    this.#leaderGone(r);
    const p = r.phase;
    if (!isLive(p)) return;
    r.lastExit = exit;
    const name = r.spec.name;
    const host = this.#host;
    if (host.shuttingDown() || !r.wanted) {
      r.phase = stopped(p);
      host.emit({ type: 'exit', unit: name, exit, state: 'stopped' });
      host.checkIdle();
      return;
    }
    const decision = exit.error
      ? ({ kind: 'failed', reason: exit.error } as const)
      : decideAfterExit({
          restart: r.spec.restart,
          restarts: r.restarts,
          startedAt: p.run.startedAt,
          now: host.clock.now(),
          exit,
          cause,
          ...(why === undefined ? {} : { why }),
        });
    const over = decision.kind === 'completed' || decision.kind === 'failed';
    if (over && host.runOver?.(r, p, exit, decision.kind === 'failed' ? decision.reason : undefined)) return;
    switch (decision.kind) {
      case 'restart': {
        const { delayMs, attempt } = decision;
        const timer = host.clock.setTimer(delayMs, () => {
          const q = r.phase;
          if (q.kind !== 'backoff' || host.shuttingDown()) return;
          host.emit({ type: 'restart', unit: name, reason: cause === 'liveness' ? 'liveness probe failed' : (why ?? 'exited'), attempt, state: 'starting' });
          this.started(r, this.start(r, q));
          host.schedule(); // dependents waiting for this run may go now
        });
        r.phase = backingOff(p, host.clock.now() + delayMs, attempt, timer);
        r.restarts = attempt;
        host.emit({ type: 'exit', unit: name, exit, state: 'backoff' });
        host.emit({ type: 'backoff', unit: name, delayMs, attempt, maxRestarts: r.spec.restart.maxRestarts, state: 'backoff' });
        host.restarting?.(r);
        return;
      }
      case 'completed':
        r.phase = completed(p);
        host.emit({ type: 'exit', unit: name, exit, state: 'completed' });
        host.schedule();
        return;
      case 'stopped':
        r.phase = stopped(p);
        host.emit({ type: 'exit', unit: name, exit, state: 'stopped' });
        host.checkIdle();
        return;
      case 'failed':
        r.phase = failed(p, decision.reason);
        host.emit({ type: 'exit', unit: name, exit, state: 'failed' });
        host.emit({ type: 'failed', unit: name, reason: decision.reason, state: 'failed' });
        this.hooks.onFailure(r.spec, exit);
        host.schedule();
        return;
    }
  }

  /** Stops a unit (or waits for the stop under way); resolves once it is stopped. */
  async stop(r: UnitRecord, reason: string): Promise<void> {
    r.wanted = false;
    // A run whose pid is still to come takes it now: its start is told before its stop.
    if (r.phase.kind === 'starting') pidOf(r.phase.run.proc);
    const p = r.phase;
    if (p.kind === 'backoff') p.timer.cancel();
    const ending = endingOf(p);
    if (ending) return ending;
    const host = this.#host;
    if (p.kind === 'pending' || p.kind === 'backoff' || p.kind === 'scheduled') {
      r.phase = stopped(p);
      host.emit({ type: 'stop', unit: r.spec.name, reason, state: 'stopped' });
      host.checkIdle();
      return;
    }
    if (!isSteady(p)) return;
    const proc = p.run.proc;
    const done = deferred();
    r.phase = stopRequested(p, host.clock.wallNow(), done.promise);
    host.emit({ type: 'stop', unit: r.spec.name, reason, state: 'stopping', signal: r.spec.stop.signal, timeoutMs: r.spec.stop.timeoutMs });
    this.hooks.cancelPostStart(r.spec.name);
    const stopping = async (): Promise<void> => {
      if (host.killing()) host.driver.kill(r.spec, proc);
      const result = await this.hooks.stopRun(r.spec, proc, p.run.alive && !host.killing());
      const exit = await proc.exited;
      await this.#drained(proc);
      const atOnce = host.killing();
      const forced = result.forced || atOnce;
      r.lastExit = exit;
      const q = r.phase;
      if (q.kind !== 'stopping' || q.run.proc !== proc) return;
      this.#leaderGone(r);
      r.phase = stopped(q, forced, atOnce);
      host.emit({ type: 'exit', unit: r.spec.name, exit, state: 'stopped' });
      host.emit({ type: 'stop', unit: r.spec.name, reason, state: 'stopped', forced, ...(atOnce ? { atOnce } : {}) });
      host.checkIdle();
    };
    stopping().then(done.resolve, done.reject);
    return done.promise;
  }
}

// A promise settled from outside: a stop's end, known to the unit's state before the stop begins.
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

// Reads a run's pid (waiting for it when it is still to come).
function pidOf(proc: RunningProcess): number | undefined {
  return proc.pid;
}
