import type { UnitSpec } from '../config/spec.js';
import { isUpState, type UnitState } from '../events/types.js';
import type { Clock } from '../base/clock.js';
import { closure, dependencyTargets, type DependencyTargets } from '../config/graph.js';
import { evaluateDependencies, SKIPS_DEPENDENTS, type DepView } from './deps.js';
import type { ProcessDriver, RunningProcess } from './driver.js';
import type { Action } from '../reconcile/plan.js';
import { endingOf, freshRecord, isEnded, runOf, skipped, type UnitRecord } from './lifecycle.js';
import { rollingBatches, stopInOrder } from './stop-order.js';
import { UnitRuns, type EventInput, type RunsHost } from './unit-runs.js';
import { depView, outcomeRow, shownState, statusRow, type UnitOutcome, type UnitStatus } from './unit-view.js';
import { Waiters } from './waiters.js';
import { Announcements, announces, type NotifyFields } from './notify.js';
import { Cascade, type Followers } from './cascade.js';
import { initialRecord, reactivate, reloadedRecord } from './activation.js';
import { activeUnits } from '../config/profiles.js';
import { Schedules, type CronTicks } from './schedule.js';

export type { UnitStatus, UnitOutcome } from './unit-view.js';

/** A dependency that holds for any condition. */
const IGNORED_DEPENDENCY: DepView = { state: 'completed', everStarted: true, everReady: true };
export type { EventInput } from './unit-runs.js';

export interface SupervisorOptions {
  readonly units: readonly UnitSpec[];
  readonly driver: ProcessDriver;
  /** All time the supervisor reads: timers, durations, and wall-clock times (`started_at`). */
  readonly clock: Clock;
  readonly publish: (e: EventInput) => void;
  /**
   * Called when a unit's process is up, so probes can start, with the number of this run (probe
   * results name it); and as soon as that process has exited or is being stopped.
   */
  readonly onRunning?: (unit: UnitSpec, run: number) => void;
  readonly onEnded?: (unit: UnitSpec, run: number) => void;
  /** The active profiles: units with other profiles (or `enabled: false`) start only when named. */
  readonly profiles?: readonly string[];
  /** The ticks of cron schedules (croner, from the application); without it a cron schedule has no ticks. */
  readonly cron?: CronTicks;
}

/**
 * Keeps units in the state the spec asks for: starts them as their dependencies allow, restarts
 * them under their policy, and stops them in reverse dependency order. All OS work goes through
 * the driver and all time through the clock, so the state machine runs the same in tests. Each
 * unit's state and its moves are in lifecycle.ts.
 */
export class Supervisor {
  readonly #units = new Map<string, UnitRecord>();
  readonly #opts: SupervisorOptions;
  readonly #waiters = new Waiters();
  readonly #runs: UnitRuns;
  /** What units with `notify` readiness or a `watchdog` have announced, and their watchdogs. */
  readonly #notes: Announcements;
  /** Dependents with `restart: true`, taken along when what they depend on restarts. */
  readonly #cascade: Cascade;
  readonly #ticks: Schedules;
  /** Units started without their dependencies (`up --no-deps`): they wait only on those that run. */
  readonly #noDeps = new Set<string>();
  #shuttingDown = false;
  /** Restarts under way (restartUnits, apply): the project is not idle while one runs. */
  #restarting = 0;
  #killing = false;
  /** The active profiles, kept across reloads. */
  readonly #profiles: readonly string[];
  /** Units started while inactive (by name, or as what such a unit needs): a reload keeps them wanted. */
  readonly #onDemand = new Set<string>();

  constructor(opts: SupervisorOptions) {
    this.#opts = opts;
    this.#profiles = opts.profiles ?? [];
    this.#notes = new Announcements(opts.clock, (name, run, reason) => this.markUnhealthy(name, reason, run));
    const host: RunsHost = {
      driver: opts.driver,
      clock: opts.clock,
      onRunning: (unit, run) => {
        this.#notes.running(unit, run);
        opts.onRunning?.(unit, run);
      },
      onEnded: (unit, run) => {
        this.#notes.ended(unit.name, run);
        opts.onEnded?.(unit, run);
      },
      emit: (e) => this.#emit(e),
      schedule: () => this.#schedule(),
      checkIdle: () => this.#checkIdle(),
      shuttingDown: () => this.#shuttingDown,
      killing: () => this.#killing,
      restarting: (r) => void this.#cascade.crashed(r),
      runOver: (r, from, exit, failure) => this.#ticks.runOver(r, from, exit, failure),
    };
    this.#runs = new UnitRuns(host);
    this.#cascade = new Cascade({
      records: () => this.#units,
      specs: () => this.specs,
      stop: (r, reason) => this.#runs.stop(r, reason),
      ordered: () => !this.#killing,
      shuttingDown: () => this.#shuttingDown,
      emit: (e) => this.#emit(e),
      schedule: () => this.#schedule(),
    });
    this.#ticks = new Schedules({
      clock: opts.clock,
      runs: this.#runs,
      driver: opts.driver,
      checkIdle: () => this.#checkIdle(),
      cron: opts.cron,
      record: (name) => this.#units.get(name),
      emit: (e) => this.#emit(e),
      shuttingDown: () => this.#shuttingDown,
      replace: (name, reason) => this.restartUnits([name], { reason }),
    });
    for (const spec of opts.units) this.#units.set(spec.name, initialRecord(spec, this.#profiles));
  }

  get specs(): readonly UnitSpec[] {
    this.#specs ??= [...this.#units.values()].map((r) => r.spec);
    return this.#specs;
  }

  // The specs and their dependency index, made again only when apply() changes the units: the
  // scheduler looks at them on every event, and a scan per dependency grew with the project's square.
  #specs: readonly UnitSpec[] | undefined;
  #targets: DependencyTargets | undefined;

  get #dependencyTargets(): DependencyTargets {
    this.#targets ??= dependencyTargets(this.specs);
    return this.#targets;
  }

  /**
   * Starts the named units and what they depend on (when none are named: every unit that starts
   * by default, i.e. not inactive under the active profiles). With
   * `noDeps`, only the named units: a dependency procs is not running is not started and not
   * waited for (one that is running or on its way is, as usual).
   */
  start(names: readonly string[] = [], opts: { readonly noDeps?: boolean } = {}): void {
    this.#shuttingDown = false;
    const noDeps = opts.noDeps === true && names.length > 0;
    const asked = names.length > 0 ? names : activeUnits(this.specs, this.#profiles);
    for (const name of noDeps ? names : asked.length > 0 ? closure(asked, this.specs) : []) {
      if (noDeps) this.#noDeps.add(name);
      else this.#noDeps.delete(name);
      const r = this.#units.get(name);
      // Running or on its way: leave it. Ended (failed, stopped, completed…): start it afresh.
      if (!r || (r.wanted && !isEnded(r.phase))) continue;
      if (r.phase.kind === 'inactive') this.#onDemand.add(name);
      if (isEnded(r.phase) || r.phase.kind === 'pending' || r.phase.kind === 'inactive')
        Object.assign(r, freshRecord(r.spec, { wanted: true, attempts: r.attempts }));
    }
    this.#schedule();
  }

  /**
   * Marks a unit ready (its readiness probe passed for `run`, the current run when not given).
   * A result for an earlier run, or for a process that has exited, does not count.
   */
  markReady(name: string, run?: number): void {
    const r = this.#units.get(name);
    if (r) this.#runs.markReady(r, run);
  }

  /** A liveness probe gave up on a unit: restart it under its policy, counting a failure. */
  markUnhealthy(name: string, reason: string, run?: number): void {
    const r = this.#units.get(name);
    if (r) this.#runs.markUnhealthy(r, reason, run);
  }

  /**
   * A message on the notify socket from process `pid` of group `pgid` (0 when unknown). It counts
   * for the unit whose current run leads that group (or is that process) and listens for
   * announcements; the name of that unit is returned, undefined when the message was ignored.
   */
  notified(sender: { readonly pid: number; readonly pgid: number }, fields: NotifyFields): string | undefined {
    for (const r of this.#units.values()) {
      const run = runOf(r.phase);
      const pid = run?.proc.pid;
      if (!run?.alive || pid === undefined || !announces(r.spec)) continue;
      if (pid !== sender.pid && pid !== sender.pgid) continue;
      if (!this.#notes.message(r.spec, run.id, fields)) return undefined;
      if (fields.ready) this.markReady(r.spec.name, run.id);
      this.#waiters.changed();
      return r.spec.name;
    }
    return undefined;
  }

  /** Stops every unit, dependents before their dependencies; resolves once all are gone. */
  async stopAll(reason = 'requested'): Promise<void> {
    this.#shuttingDown = true;
    await this.#stopSet([...this.#units.keys()], reason);
    await this.#runs.hooks.settled();
  }

  /** Stops the named units, dependents among them first; their other dependents keep running. */
  async stopUnits(names: readonly string[], reason = 'requested'): Promise<void> {
    this.#cascade.cancel(names);
    await this.#stopSet([...names], reason);
  }

  /**
   * Restarts the named units gracefully (dependents among them stopped first) and resolves once
   * each is up again. With `rolling`, pool instances go one at a time, each up before the next;
   * `signal` ends a rolling restart between instances. Dependents with `restart: true` that run
   * are stopped first and start again after them (cascade.ts); after a rolling restart, once at the end.
   * Inactive units are left alone (a watch rule's change does not start them; `start` does).
   */
  async restartUnits(all: readonly string[], opts: { rolling?: boolean; reason?: string; signal?: AbortSignal } = {}): Promise<void> {
    const names = all.filter((n) => this.#units.get(n)?.phase.kind !== 'inactive');
    // Between a unit's stop and its start nothing is wanted: the project is not idle for that.
    this.#restarting += 1;
    try {
      await this.#restart(names, opts);
    } finally {
      this.#restarting -= 1;
      this.#checkIdle();
    }
  }

  async #restart(names: readonly string[], opts: { rolling?: boolean; reason?: string; signal?: AbortSignal }): Promise<void> {
    const reason = opts.reason ?? 'restart requested';
    const batches = opts.rolling ? rollingBatches(names, this.specs) : [[...names]];
    for (const batch of batches) {
      // A newer restart of the same units takes over between batches (a rolling restart).
      if (opts.signal?.aborted) return;
      const followers = await this.#cascade.stop(batch, opts.rolling);
      await this.#stopSet(batch, reason);
      if (this.#shuttingDown) return;
      for (const name of batch) {
        const r = this.#units.get(name);
        // The attempt count goes on, so the next spawn reads as a restart.
        if (r) Object.assign(r, freshRecord(r.spec, { wanted: true, attempts: r.attempts }));
      }
      this.#cascade.requeue(followers);
      this.#schedule();
      await Promise.all(batch.map((n) => this.whenUp(n)));
    }
    if (opts.rolling) await this.#cascade.bounce(names);
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
    // A restarted unit is wanted again once the new list is in: not idle in between.
    this.#restarting += 1;
    let followers: Followers | undefined;
    try {
      followers = await this.#cascade.stop(restarted);
      await this.#stopSet([...removed, ...restarted], 'spec changed');
    } finally {
      this.#restarting -= 1;
    }
    const old = this.#units;
    const rebuilt = new Map<string, UnitRecord>();
    for (const spec of units) {
      const r = old.get(spec.name);
      const onDemand = this.#onDemand.has(spec.name);
      if (!r) rebuilt.set(spec.name, reloadedRecord(spec, this.#profiles, false));
      else if (restarted.includes(spec.name)) rebuilt.set(spec.name, reloadedRecord(spec, this.#profiles, onDemand, r.attempts));
      else if (r.phase.kind === 'inactive') rebuilt.set(spec.name, (reactivate(r, spec, this.#profiles), r));
      else {
        r.spec = next.get(spec.name) ?? r.spec;
        rebuilt.set(spec.name, r);
      }
    }
    this.#units.clear();
    for (const [k, v] of rebuilt) this.#units.set(k, v);
    this.#specs = undefined;
    this.#targets = undefined;
    if (followers) this.#cascade.requeue(followers);
    this.#schedule();
  }

  /** Kills every process tree at once (a second Ctrl-C). */
  killAll(): void {
    this.#killing = true;
    this.#shuttingDown = true;
    this.#runs.hooks.cancelAll();
    this.#ticks.killBeside();
    for (const r of this.#units.values()) {
      r.wanted = false;
      this.#ticks.stopped(r.spec.name);
      const p = r.phase;
      if (p.kind === 'backoff') p.timer.cancel();
      const proc = runOf(p)?.proc ?? (p.kind === 'backoff' ? p.after : undefined);
      if (proc) {
        this.#opts.driver.kill(r.spec, proc);
        if (!endingOf(p)) void this.#runs.stop(r, 'killed');
      }
    }
  }

  /** Units still being stopped and when (wall-clock ms) they will be killed, for "still waiting for …". */
  stillStopping(): { name: string; killAt: number }[] {
    const out: { name: string; killAt: number }[] = [];
    for (const r of this.#units.values()) {
      if (r.phase.kind === 'stopping') out.push({ name: r.spec.name, killAt: r.phase.since + r.spec.stop.timeoutMs });
    }
    return out;
  }

  /** Resolves once no wanted unit can change state by itself any more. */
  idle(): Promise<void> {
    return this.#waiters.idle(this.#isIdle());
  }

  /** Resolves once the runs started so far have their pids (see UnitRuns.pidsKnown). */
  pidsKnown(): Promise<void> {
    return this.#runs.pidsKnown();
  }

  /** Each unit's name and state as status() shows them, without the rest of its row (asked after every turn with unit events). */
  states(): { name: string; state: UnitState }[] {
    return [...this.#units.values()].map((r) => ({ name: r.spec.name, state: shownState(r, this.#notes.of(r.spec.name)) }));
  }

  status(): UnitStatus[] {
    return [...this.#units.values()].map((r) =>
      this.#cascade.annotate(statusRow(r, this.#notes.of(r.spec.name), r.spec.schedule && this.#ticks.info(r.spec.name))),
    );
  }

  /** Final facts per unit, for the exit summary. */
  outcome(): UnitOutcome[] {
    return [...this.#units.values()].map(outcomeRow);
  }

  #emit(e: EventInput): void {
    this.#opts.publish(e);
    this.#waiters.changed();
  }

  /** Resolves once the unit is up (ready, or running without a readiness probe) or has ended. */
  whenUp(name: string): Promise<void> {
    return this.#waiters.until(() => {
      const r = this.#units.get(name);
      return !r || isEnded(r.phase) || isUpState(r.phase.kind, Boolean(r.spec.health.readiness));
    });
  }

  #view = (name: string): DepView | undefined => {
    const r = this.#units.get(name);
    return r && depView(r);
  };

  // What a unit started with --no-deps sees: a dependency procs is not running (never asked
  // to, stopped, failed or skipped) holds; one that completed, runs or is on its way counts.
  #noDepsView = (name: string): DepView | undefined => {
    const r = this.#units.get(name);
    if (!r) return undefined;
    const notRunning = !r.wanted || (isEnded(r.phase) && r.phase.kind !== 'completed');
    return notRunning ? IGNORED_DEPENDENCY : depView(r);
  };

  // Starts every pending wanted unit whose dependencies hold; skips those that never can.
  #schedule(): void {
    if (this.#shuttingDown) return;
    let changed = true;
    while (changed) {
      changed = false;
      // Every unit free to go is started before any is looked at again: the requests go out
      // together, and their pids are read after (see spawner.ts).
      const started: [UnitRecord, RunningProcess][] = [];
      // While no unit could make its dependents skip, a pending unit waits on the first
      // dependency that does not hold, and the others need no look.
      let noneSkips = true;
      for (const r of this.#units.values()) {
        if (SKIPS_DEPENDENTS.has(r.phase.kind)) {
          noneSkips = false;
          break;
        }
      }
      for (const r of this.#units.values()) {
        const p = r.phase;
        if (!r.wanted || p.kind !== 'pending') continue;
        const view = this.#noDeps.has(r.spec.name) ? this.#noDepsView : this.#view;
        const verdict = evaluateDependencies(r.spec, this.#dependencyTargets, view, noneSkips);
        if (verdict.kind === 'go') {
          const proc = r.spec.schedule ? this.#ticks.begin(r, p) : this.#runs.start(r, p);
          if (proc) started.push([r, proc]);
          changed = true;
        } else if (verdict.kind === 'skip') {
          r.phase = skipped(p, verdict.reason);
          noneSkips = false;
          this.#emit({ type: 'stop', unit: r.spec.name, reason: verdict.reason, state: 'skipped' });
          changed = true;
        }
      }
      for (const [r, proc] of started) this.#runs.started(r, proc);
    }
    this.#checkIdle();
  }

  // Stops a set of units so that none stops before the units in the set that depend on it.
  async #stopSet(names: readonly string[], reason: string): Promise<void> {
    // Every unit in the set is unwanted at once; one never asked to start has nothing to stop and says nothing.
    const toStop = new Map<string, UnitRecord | undefined>();
    for (const name of names) {
      const r = this.#units.get(name);
      if (toStop.has(name)) continue;
      toStop.set(name, r && (r.wanted || (r.phase.kind !== 'pending' && r.phase.kind !== 'inactive')) ? r : undefined);
      if (r) r.wanted = false;
      this.#ticks.stopped(name);
    }
    const stop = async (name: string): Promise<void> => {
      const r = toStop.get(name);
      await Promise.all([r && this.#runs.stop(r, reason), this.#ticks.stopBeside(name)]);
    };
    await stopInOrder(names, this.specs, stop, () => !this.#killing);
  }

  #isIdle(): boolean {
    if (this.#restarting > 0 || this.#runs.hooks.busy() || this.#ticks.busy()) return false;
    for (const r of this.#units.values()) {
      if (r.wanted && !isEnded(r.phase)) return false;
      if (endingOf(r.phase)) return false;
    }
    return true;
  }

  #checkIdle(): void {
    if (this.#isIdle()) this.#waiters.idleNow();
  }
}
