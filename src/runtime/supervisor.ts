import type { UnitSpec } from '../config/spec.js';
import type { DistributiveOmit } from '../events/bus.js';
import { ENDED_STATES, isUpState, LIVE_STATES, type ExitInfo, type ProcsEvent, type UnitState } from '../events/types.js';
import type { Clock, TimerHandle } from '../base/clock.js';
import { closure } from '../config/graph.js';
import { dependents, evaluateDependencies, type DepView } from './deps.js';
import type { ProcessDriver, RunningProcess } from './driver.js';
import { decideAfterExit, type EndCause } from './restart-policy.js';
import type { Action } from '../reconcile/plan.js';

/** Restart batches for a rolling restart: each pool instance alone, other units together first. */
function rollingBatches(names: readonly string[], specs: readonly UnitSpec[]): string[][] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const plain = names.filter((n) => byName.get(n)?.kind !== 'instance');
  const instances = names.filter((n) => byName.get(n)?.kind === 'instance');
  return [...(plain.length > 0 ? [plain] : []), ...instances.map((n) => [n])];
}

export type EventInput = DistributiveOmit<ProcsEvent, 'ts'>;

/** What `ps` shows of one unit. */
export interface UnitStatus {
  readonly name: string;
  readonly kind: UnitSpec['kind'];
  readonly pool: string | null;
  readonly state: UnitState;
  readonly pid: number | null;
  readonly restarts: number;
  readonly started_at: string | null;
  readonly exit: { readonly code: number | null; readonly signal: string | null } | null;
  readonly health: { readonly readiness: string | null; readonly liveness: string | null };
  readonly reason: string | null;
}

export interface SupervisorOptions {
  readonly units: readonly UnitSpec[];
  readonly driver: ProcessDriver;
  readonly clock: Clock;
  readonly publish: (e: EventInput) => void;
  /** Wall-clock time for `started_at`; injected so tests stay deterministic. */
  readonly wallClock?: () => Date;
  /**
   * Called when a unit's process is up, so probes can start, with the number of this run (probe
   * results name it); and as soon as that process has exited or is being stopped.
   */
  readonly onRunning?: (unit: UnitSpec, run: number) => void;
  readonly onEnded?: (unit: UnitSpec, run: number) => void;
}

interface Runtime {
  spec: UnitSpec;
  state: UnitState;
  wanted: boolean;
  proc: RunningProcess | undefined;
  restarts: number;
  attempts: number;
  startedAt: number;
  startedAtWall: string | null;
  lastExit: ExitInfo | null;
  timer: TimerHandle | undefined;
  everStarted: boolean;
  everReady: boolean;
  reason: string | null;
  stopping: Promise<void> | undefined;
  forced: boolean;
  /** Wall-clock ms when the current stop began. */
  stopSince: number;
  readiness: 'pending' | 'ok' | null;
  /** The current run (unique within this supervisor) and whether its leader may still be alive. */
  run: number;
  alive: boolean;
}


/**
 * Keeps units in the state the spec asks for: starts them as their dependencies allow, restarts
 * them under their policy, and stops them in reverse dependency order. All OS work goes through
 * the driver and all time through the clock, so the state machine runs the same in tests.
 */
export class Supervisor {
  readonly #units = new Map<string, Runtime>();
  readonly #opts: SupervisorOptions;
  #shuttingDown = false;
  #killing = false;
  #idleWaiters: (() => void)[] = [];
  #stateWaiters: { done: () => boolean; resolve: () => void }[] = [];
  #runs = 0;

  constructor(opts: SupervisorOptions) {
    this.#opts = opts;
    for (const spec of opts.units) this.#units.set(spec.name, this.#fresh(spec));
  }

  #fresh(spec: UnitSpec): Runtime {
    return {
      spec,
      state: 'pending',
      wanted: false,
      proc: undefined,
      restarts: 0,
      attempts: 0,
      startedAt: 0,
      startedAtWall: null,
      lastExit: null,
      timer: undefined,
      everStarted: false,
      everReady: false,
      reason: null,
      stopping: undefined,
      forced: false,
      stopSince: 0,
      readiness: spec.health.readiness ? 'pending' : null,
      run: 0,
      alive: false,
    };
  }

  get specs(): readonly UnitSpec[] {
    return [...this.#units.values()].map((r) => r.spec);
  }

  /** Starts the named units and what they depend on (all units when none are named). */
  start(names: readonly string[] = []): void {
    this.#shuttingDown = false;
    for (const name of closure(names, this.specs)) {
      const r = this.#units.get(name);
      // Running or on its way: leave it. Ended (failed, stopped, completed…): start it afresh.
      if (!r || (r.wanted && !ENDED_STATES.has(r.state))) continue;
      if (ENDED_STATES.has(r.state) || r.state === 'pending') {
        Object.assign(r, this.#fresh(r.spec), { wanted: true, attempts: r.attempts });
      }
    }
    this.#schedule();
  }

  /**
   * Marks a unit ready (its readiness probe passed for `run`, the current run when not given).
   * A result for an earlier run, or for a process that has exited, does not count.
   */
  markReady(name: string, run?: number): void {
    const r = this.#units.get(name);
    if (!r || !LIVE_STATES.has(r.state) || !this.#current(r, run)) return;
    const first = !r.everReady;
    r.everReady = true;
    r.readiness = 'ok';
    if (r.state !== 'ready') {
      r.state = 'ready';
      this.#emit({ type: 'ready', unit: name, afterMs: Math.round(this.#opts.clock.now() - r.startedAt), state: 'ready' });
    }
    if (first) this.#schedule();
  }

  /** A liveness probe gave up on a unit: restart it under its policy, counting a failure. */
  markUnhealthy(name: string, reason: string, run?: number): void {
    const r = this.#units.get(name);
    if (!r?.proc || !LIVE_STATES.has(r.state) || r.stopping || !this.#current(r, run)) return;
    r.state = 'unhealthy';
    this.#emit({ type: 'unhealthy', unit: name, reason, state: 'unhealthy' });
    const proc = r.proc;
    r.stopping = this.#opts.driver.stop(r.spec, proc).then(async () => {
      const exit = await proc.exited;
      r.stopping = undefined;
      this.#ended(r, proc, exit, 'liveness');
    });
  }

  // Whether a probe result for `run` is about the live process of the unit's current run.
  #current(r: Runtime, run: number | undefined): boolean {
    if ((run !== undefined && run !== r.run) || !r.alive || !r.proc) return false;
    if (this.#opts.driver.alive?.(r.proc) === false) {
      this.#leaderGone(r);
      return false;
    }
    return true;
  }

  // The leader of the current run has exited: its probes stop and no result of theirs counts.
  #leaderGone(r: Runtime): void {
    if (!r.alive) return;
    r.alive = false;
    this.#opts.onEnded?.(r.spec, r.run);
  }

  /** Stops every unit, dependents before their dependencies; resolves once all are gone. */
  async stopAll(reason = 'requested'): Promise<void> {
    this.#shuttingDown = true;
    await this.#stopSet([...this.#units.keys()], reason);
  }

  /** Stops the named units, dependents among them first; their other dependents keep running. */
  async stopUnits(names: readonly string[], reason = 'requested'): Promise<void> {
    await this.#stopSet([...names], reason);
  }

  /**
   * Restarts the named units gracefully (dependents among them stopped first) and resolves once
   * each is up again. With `rolling`, pool instances go one at a time, each up before the next;
   * `signal` ends a rolling restart between instances. Their dependents are left alone.
   */
  async restartUnits(names: readonly string[], opts: { rolling?: boolean; reason?: string; signal?: AbortSignal } = {}): Promise<void> {
    const reason = opts.reason ?? 'restart requested';
    const batches = opts.rolling ? rollingBatches(names, this.specs) : [[...names]];
    for (const batch of batches) {
      // A newer restart of the same units takes over between batches (a rolling restart).
      if (opts.signal?.aborted) return;
      await this.#stopSet(batch, reason);
      if (this.#shuttingDown) return;
      for (const name of batch) {
        const r = this.#units.get(name);
        // The attempt count goes on, so the next spawn reads as a restart.
        if (r) Object.assign(r, this.#fresh(r.spec), { wanted: true, restarts: 0, attempts: r.attempts });
      }
      this.#schedule();
      await Promise.all(batch.map((n) => this.whenUp(n)));
    }
  }

  /**
   * Applies a reconcile plan against the new list of units: removes, restarts and updates
   * first (dependents first), then starts what is new. Unchanged units are not touched.
   */
  async apply(units: readonly UnitSpec[], actions: readonly Action[]): Promise<void> {
    if (this.#shuttingDown) return;
    const next = new Map(units.map((u) => [u.name, u]));
    const of = (kind: Action['kind']): string[] => actions.filter((a) => a.kind === kind).map((a) => a.unit);
    const removed = of('remove');
    const restarted = of('restart');
    await this.#stopSet([...removed, ...restarted], 'spec changed');
    const old = this.#units;
    const rebuilt = new Map<string, Runtime>();
    for (const spec of units) {
      const r = old.get(spec.name);
      if (!r) rebuilt.set(spec.name, { ...this.#fresh(spec), wanted: true });
      else if (restarted.includes(spec.name)) rebuilt.set(spec.name, { ...this.#fresh(spec), wanted: true, attempts: r.attempts });
      else {
        r.spec = next.get(spec.name) ?? r.spec;
        rebuilt.set(spec.name, r);
      }
    }
    this.#units.clear();
    for (const [k, v] of rebuilt) this.#units.set(k, v);
    this.#schedule();
  }

  /** Kills every process tree at once (a second Ctrl-C). */
  killAll(): void {
    this.#killing = true;
    this.#shuttingDown = true;
    for (const r of this.#units.values()) {
      r.wanted = false;
      r.timer?.cancel();
      if (r.proc && !ENDED_STATES.has(r.state)) {
        this.#opts.driver.kill(r.spec, r.proc);
        if (!r.stopping) void this.#stopOne(r, 'killed');
      }
    }
  }

  /** Units still being stopped and when (wall-clock ms) they will be killed, for "still waiting for …". */
  stillStopping(): { name: string; killAt: number }[] {
    return [...this.#units.values()]
      .filter((r) => r.state === 'stopping')
      .map((r) => ({ name: r.spec.name, killAt: r.stopSince + r.spec.stop.timeoutMs }));
  }

  /** Resolves once no wanted unit can change state by itself any more. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  status(): UnitStatus[] {
    return [...this.#units.values()].map((r) => ({
      name: r.spec.name,
      kind: r.spec.kind,
      pool: r.spec.kind === 'instance' ? (r.spec.pool ?? null) : null,
      state: r.state,
      pid: r.proc && LIVE_STATES.has(r.state) ? (r.proc.pid ?? null) : r.state === 'stopping' ? (r.proc?.pid ?? null) : null,
      restarts: r.restarts,
      started_at: r.startedAtWall,
      exit: r.lastExit ? { code: r.lastExit.code, signal: r.lastExit.signal } : null,
      // Health is about the running process: none is shown once it stopped, exited or waits to restart.
      health: LIVE_STATES.has(r.state)
        ? { readiness: r.readiness, liveness: r.spec.health.liveness ? (r.state === 'unhealthy' ? 'failing' : 'ok') : null }
        : { readiness: null, liveness: null },
      reason: r.reason,
    }));
  }

  /** Final facts per unit, for the exit summary. */
  outcome(): { name: string; state: UnitState; exit: ExitInfo | null; reason: string | null; forced: boolean; restarts: number }[] {
    return [...this.#units.values()].map((r) => ({
      name: r.spec.name,
      state: r.state,
      exit: r.lastExit,
      reason: r.reason,
      forced: r.forced,
      restarts: r.restarts,
    }));
  }

  #emit(e: EventInput): void {
    this.#opts.publish(e);
    if (this.#stateWaiters.length === 0) return;
    const still = this.#stateWaiters.filter((w) => !w.done());
    const settled = this.#stateWaiters.filter((w) => !still.includes(w));
    this.#stateWaiters = still;
    settled.forEach((w) => w.resolve());
  }

  /** Resolves once `done()` holds; checked after every event. */
  #until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.#stateWaiters.push({ done, resolve }));
  }

  /** Resolves once the unit is up (ready, or running without a readiness probe) or has ended. */
  whenUp(name: string): Promise<void> {
    return this.#until(() => {
      const r = this.#units.get(name);
      return !r || ENDED_STATES.has(r.state) || isUpState(r.state, Boolean(r.spec.health.readiness));
    });
  }

  #view = (name: string): DepView | undefined => {
    const r = this.#units.get(name);
    return r && { state: r.state, everStarted: r.everStarted, everReady: r.everReady };
  };

  // Starts every pending wanted unit whose dependencies hold; skips those that never can.
  #schedule(): void {
    if (this.#shuttingDown) return;
    let changed = true;
    while (changed) {
      changed = false;
      // Every unit free to go is started before any is looked at again: the requests go out
      // together, and their pids are read after (see spawner.ts).
      const started: [Runtime, RunningProcess][] = [];
      for (const r of this.#units.values()) {
        if (!r.wanted || r.state !== 'pending') continue;
        const verdict = evaluateDependencies(r.spec, this.specs, this.#view);
        if (verdict.kind === 'go') {
          started.push([r, this.#start(r)]);
          changed = true;
        } else if (verdict.kind === 'skip') {
          r.state = 'skipped';
          r.reason = verdict.reason;
          this.#emit({ type: 'stop', unit: r.spec.name, reason: verdict.reason, state: 'skipped' });
          changed = true;
        }
      }
      for (const [r, proc] of started) this.#started(r, proc);
    }
    this.#checkIdle();
  }

  #launch(r: Runtime): void {
    this.#started(r, this.#start(r));
  }

  // Asks the driver to start a unit; `#started` then takes its pid.
  #start(r: Runtime): RunningProcess {
    r.state = 'starting';
    r.attempts += 1;
    r.startedAt = this.#opts.clock.now();
    r.startedAtWall = (this.#opts.wallClock?.() ?? new Date()).toISOString();
    r.run = ++this.#runs;
    r.alive = true;
    const proc = this.#opts.driver.start(r.spec);
    r.proc = proc;
    void proc.exited.then((exit) => this.#exited(r, proc, exit));
    return proc;
  }

  #started(r: Runtime, proc: RunningProcess): void {
    if (r.proc !== proc || r.state !== 'starting') return;
    if (proc.pid === undefined) return; // could not spawn: `exited` brings the reason
    r.state = 'running';
    r.everStarted = true;
    r.readiness = r.spec.health.readiness ? 'pending' : null;
    this.#emit({ type: 'spawn', unit: r.spec.name, pid: proc.pid, attempt: r.attempts, state: 'running' });
    this.#opts.onRunning?.(r.spec, r.run);
    // Without a readiness probe a unit is ready once started; the scheduling loop picks that up.
    if (!r.spec.health.readiness) r.everReady = true;
  }

  // The leader exited: unless a stop is handling it, clear what is left of the tree (the group, and
  // processes still holding its output) and only then apply the policy: a restart never overlaps.
  async #exited(r: Runtime, proc: RunningProcess, exit: ExitInfo): Promise<void> {
    if (r.proc !== proc) return;
    this.#leaderGone(r);
    r.lastExit = exit;
    if (r.stopping) return;
    if (proc.pid !== undefined) await this.#opts.driver.settle(r.spec, proc);
    await this.#drained(proc);
    // A stop that came meanwhile has already ended this run (and said so).
    if (r.proc !== proc || r.stopping || ENDED_STATES.has(r.state)) return;
    this.#ended(r, proc, exit, 'exit');
  }

  // Waits for the last output lines, but never long: an escaped grandchild may hold the pipe.
  #drained(proc: RunningProcess): Promise<void> {
    return new Promise((resolve) => {
      const t = this.#opts.clock.setTimer(1000, resolve);
      void proc.outputDone.then(() => {
        t.cancel();
        resolve();
      });
    });
  }

  #ended(r: Runtime, proc: RunningProcess, exit: ExitInfo, cause: EndCause): void {
    if (r.proc !== proc) return;
    this.#leaderGone(r);
    r.readiness = r.spec.health.readiness ? 'pending' : null;
    r.lastExit = exit;
    const name = r.spec.name;
    if (this.#shuttingDown || !r.wanted) {
      r.state = 'stopped';
      this.#emit({ type: 'exit', unit: name, exit, state: 'stopped' });
      this.#checkIdle();
      return;
    }
    const decision = exit.error
      ? ({ kind: 'failed', reason: exit.error } as const)
      : decideAfterExit({
          restart: r.spec.restart,
          restarts: r.restarts,
          startedAt: r.startedAt,
          now: this.#opts.clock.now(),
          exit,
          cause,
        });
    switch (decision.kind) {
      case 'restart': {
        r.state = 'backoff';
        r.restarts = decision.attempt;
        this.#emit({ type: 'exit', unit: name, exit, state: 'backoff' });
        this.#emit({ type: 'backoff', unit: name, delayMs: decision.delayMs, attempt: decision.attempt, state: 'backoff' });
        r.timer = this.#opts.clock.setTimer(decision.delayMs, () => {
          r.timer = undefined;
          if (r.state !== 'backoff' || this.#shuttingDown) return;
          this.#emit({ type: 'restart', unit: name, reason: cause === 'liveness' ? 'liveness probe failed' : 'exited', attempt: decision.attempt, state: 'starting' });
          this.#launch(r);
        });
        return;
      }
      case 'completed':
        r.state = 'completed';
        this.#emit({ type: 'exit', unit: name, exit, state: 'completed' });
        this.#schedule();
        return;
      case 'stopped':
        r.state = 'stopped';
        this.#emit({ type: 'exit', unit: name, exit, state: 'stopped' });
        this.#checkIdle();
        return;
      case 'failed':
        r.state = 'failed';
        r.reason = decision.reason;
        this.#emit({ type: 'exit', unit: name, exit, state: 'failed' });
        this.#emit({ type: 'failed', unit: name, reason: decision.reason, state: 'failed' });
        this.#schedule();
        return;
    }
  }

  // Stops a set of units so that none stops before the units in the set that depend on it.
  async #stopSet(names: string[], reason: string): Promise<void> {
    const inSet = new Set(names);
    const deps = dependents(this.specs);
    const done = new Map<string, Promise<void>>();
    const stopOf = (name: string): Promise<void> => {
      let p = done.get(name);
      if (p) return p;
      const r = this.#units.get(name);
      // A unit that was never asked to start has nothing to stop and says nothing.
      const asked = r !== undefined && (r.wanted || r.state !== 'pending');
      if (r) r.wanted = false;
      const before = (deps.get(name) ?? []).filter((d) => inSet.has(d) && d !== name);
      p = Promise.resolve().then(async () => {
        if (!this.#killing) await Promise.all(before.map(stopOf));
        if (r && asked) await this.#stopOne(r, reason);
      });
      done.set(name, p);
      return p;
    };
    // A cycle cannot reach here: the loader rejects cyclic specs.
    await Promise.all(names.map(stopOf));
  }

  async #stopOne(r: Runtime, reason: string): Promise<void> {
    r.wanted = false;
    r.timer?.cancel();
    r.timer = undefined;
    if (r.stopping) return r.stopping;
    if (r.state === 'pending' || r.state === 'backoff') {
      r.state = 'stopped';
      this.#emit({ type: 'stop', unit: r.spec.name, reason, state: 'stopped' });
      this.#checkIdle();
      return;
    }
    const proc = r.proc;
    if (!proc || ENDED_STATES.has(r.state)) return;
    r.state = 'stopping';
    r.stopSince = (this.#opts.wallClock?.() ?? new Date()).getTime();
    this.#emit({ type: 'stop', unit: r.spec.name, reason, state: 'stopping', signal: r.spec.stop.signal, timeoutMs: r.spec.stop.timeoutMs });
    r.stopping = (async () => {
      if (this.#killing) this.#opts.driver.kill(r.spec, proc);
      const { forced } = await this.#opts.driver.stop(r.spec, proc);
      const exit = await proc.exited;
      await this.#drained(proc);
      r.forced = forced || this.#killing;
      r.lastExit = exit;
      r.stopping = undefined;
      if (r.proc !== proc) return;
      this.#leaderGone(r);
      r.readiness = r.spec.health.readiness ? 'pending' : null;
      r.state = 'stopped';
      this.#emit({ type: 'exit', unit: r.spec.name, exit, state: 'stopped' });
      this.#emit({ type: 'stop', unit: r.spec.name, reason, state: 'stopped', forced: r.forced });
      this.#checkIdle();
    })();
    return r.stopping;
  }

  #isIdle(): boolean {
    for (const r of this.#units.values()) {
      if (r.wanted && !ENDED_STATES.has(r.state)) return false;
      if (r.stopping) return false;
    }
    return true;
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    waiters.forEach((w) => w());
  }
}
