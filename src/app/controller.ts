// The ControlApi on a running project: the socket server calls this, and so could a dashboard.
// It only asks the supervisor and the reconciler; requests that change the project run one at a
// time, except `down`, which goes ahead at once.
import { monotonicNow } from '../base/clock.js';
import { STOPPED_ON_REQUEST } from './listen.js';
import type { ProcsEvent } from '../events/types.js';
import type { ProbeResults } from '../health/monitor.js';
import { rowsOf } from './rows.js';
import type { TailLine } from '../output/tail.js';
import type { UnitStatus } from '../runtime/supervisor.js';
import {
  ControlError,
  type AttachClient,
  type AttachSession,
  type ControlApi,
  type DashboardInfo,
  type DashboardRequest,
  type DownRequest,
  type Feed,
  type LiveBatch,
  type ProjectRunner,
  type ProjectStatus,
  type ReloadRequest,
  type ReloadResult,
  type ScaleResult,
  type TailResult,
  type UnitRow,
  type UnitsResult,
  type UsageResult,
  type WhyResult,
} from '../control/api.js';
import { explainLive } from './why-gather.js';
import type { ProcessHost } from '../proc/host.js';
import { unitFilter, type LiveOutput } from './live.js';
import { resolveUnits } from './names.js';
import type { ReconcileTarget, SpecReconciler } from './reconciler.js';
import { UsageTracker } from './usage.js';
import type { WindowSize } from '../proc/unit-input.js';
import { attachUnit, refusedSession } from './attach-unit.js';
import type { Terminals } from './terminals.js';

export interface ControlledProject extends ReconcileTarget {
  readonly live: LiveOutput;
  /** The units' inputs, for `attach`; a project without them refuses it. */
  readonly terminals?: Terminals;
  /** Each unit's last lines, kept in memory as they are read (the project's TailBuffer). */
  readonly tail: { lines(unit: string): readonly TailLine[] };
  /** This run's events in memory, for `why`; a project without them (tests) has none. */
  readonly recent?: { list(): readonly ProcsEvent[] };
  /** Resolves once the unit log files hold every line read so far. */
  logsWritten(): Promise<void>;
  /** The project's processes, for what their trees use (a project without them answers no figures). */
  readonly processes?: Pick<ProcessHost, 'sampleUsage'>;
  /** The units' latest probe answers (a project without them shows none). */
  readonly probes?: ProbeResults;
}

export interface ControllerHooks {
  /** Stops every unit the way the runner stops the project; resolves once all are gone. */
  stopAll(reason: string): Promise<void>;
  /** Stops serving and removes the socket and pid files. */
  release(): Promise<void>;
  /** What serves the project (`status` says it): the daemon unless told otherwise. */
  readonly runner?: ProjectRunner;
  /** Serves the web dashboard (a project without it refuses `dashboard`). */
  readonly dashboard?: (request: DashboardRequest) => Promise<DashboardInfo>;
}

const RUNNING: ReadonlySet<string> = new Set(['starting', 'running', 'ready', 'unhealthy', 'backoff', 'stopping', 'scheduled']);

export class Controller implements ControlApi {
  readonly #project: ControlledProject;
  readonly #reconciler: SpecReconciler;
  readonly #hooks: ControllerHooks;
  #queue: Promise<unknown> = Promise.resolve();
  #down: Promise<void> | undefined;
  /** Units stopped on request and not started since. */
  readonly #held = new Set<string>();
  readonly #feedEnds = new Set<() => void>();
  /** When serving began: about when the project started. */
  readonly #since = new Date().toISOString();
  #begin!: () => void;
  /** Resolves once the runner has started the units: `up -d` answers what was started. */
  readonly #begun = new Promise<void>((resolve) => (this.#begin = resolve));
  /** The last samples of the units' trees, taken only when asked. */
  readonly #usage: UsageTracker;

  constructor(project: ControlledProject, reconciler: SpecReconciler, hooks: ControllerHooks) {
    this.#project = project;
    this.#reconciler = reconciler;
    this.#hooks = hooks;
    const processes = project.processes;
    this.#usage = new UsageTracker((pids) => processes?.sampleUsage(pids) ?? { at: monotonicNow(), ticksPerSecond: 100, trees: new Map() });
  }

  /** The runner has started the units (or, with watch rules, their first builds). */
  begin(): void {
    this.#begin();
  }

  /** Resolves once the runner has started the units and each of them has its pid. */
  async started(): Promise<void> {
    await this.#begun;
    await this.#project.supervisor.pidsKnown();
  }

  async status(): Promise<ProjectStatus> {
    // A run still starting shows its pid: its spawner's answer is read first (through the event loop).
    await this.#project.supervisor.pidsKnown();
    const spec = this.#project.spec;
    return {
      project: spec.project,
      root: spec.root,
      pid: process.pid,
      runner: this.#hooks.runner ?? 'daemon',
      started_at: this.#since,
      files: this.#reconciler.specFiles,
      pools: spec.pools.map((p) => ({ name: p.name, replicas: p.replicas })),
      units: [...this.#unitRows(this.#project.supervisor.status()), ...(this.#project.watch?.rows() ?? [])],
    };
  }

  start(units: readonly string[]): Promise<UnitsResult> {
    return this.#serial(async () => {
      const names = this.#resolve(units);
      names.forEach((n) => this.#held.delete(n));
      await this.#startUnits(names);
      return { units: await this.#rowsOnceSpawned(names) };
    });
  }

  stop(units: readonly string[]): Promise<UnitsResult> {
    return this.#serial(async () => {
      const names = this.#resolve(units);
      names.forEach((n) => this.#held.add(n));
      await this.#project.supervisor.stopUnits(names, STOPPED_ON_REQUEST);
      return { units: await this.#rowsOnceSpawned(names) };
    });
  }

  restart(units: readonly string[]): Promise<UnitsResult> {
    return this.#serial(async () => {
      const names = this.#resolve(units);
      names.forEach((n) => this.#held.delete(n));
      // An inactive unit has nothing to restart: it starts, with what it needs.
      const states = new Map(this.#project.supervisor.status().map((u) => [u.name, u.state]));
      const inactive = names.filter((n) => states.get(n) === 'inactive');
      if (inactive.length > 0) await this.#startUnits(inactive);
      await this.#project.supervisor.restartUnits(
        names.filter((n) => !inactive.includes(n)),
        { reason: 'restart requested' },
      );
      return { units: await this.#rowsOnceSpawned(names) };
    });
  }

  scale(pools: Readonly<Record<string, number>>): Promise<ScaleResult> {
    return this.#serial(() => this.#reconciler.scale(pools));
  }

  reload(req: ReloadRequest = {}): Promise<ReloadResult> {
    return this.#serial(async () => {
      const { actions, warnings, switched } = await this.#reconciler.reload(req);
      const done = { actions, warnings, ...(switched ? { switched } : {}) };
      if (req.start === undefined) return { ...done, started: [] };
      const states = new Map(this.#project.supervisor.status().map((u) => [u.name, u.state]));
      // None named (`up` on a running project): what starts by default, not the inactive units.
      const idle = this.#resolve(req.start).filter(
        (n) => !RUNNING.has(states.get(n) ?? '') && states.get(n) !== 'completed' && (req.start?.length !== 0 || states.get(n) !== 'inactive'),
      );
      idle.forEach((n) => this.#held.delete(n));
      if (idle.length > 0) await this.#startUnits(idle, false, req.noDeps === true);
      return { ...done, started: idle };
    });
  }

  down(req: DownRequest = {}, onEvent?: (e: ProcsEvent) => void): Promise<void> {
    const unsubscribe = onEvent ? this.#project.bus.subscribe((e) => (e.type === 'stop' || e.type === 'exit') && onEvent(e)) : () => undefined;
    this.#down ??= this.#shutdown(req);
    return this.#down.finally(unsubscribe);
  }

  /**
   * Ready once subscribed and once the log files hold every line from before: a reader of the
   * files that then follows the feed misses nothing.
   */
  logs(units: readonly string[], onBatch: (b: LiveBatch) => void): Feed {
    if (units.length > 0) this.#resolve(units, true);
    const wanted = unitFilter(units);
    return this.#feed(
      this.#project.live.subscribe((b) => wanted(b.unit) && onBatch(b)),
      this.#project.logsWritten(),
    );
  }

  async tail(units: readonly string[], lines?: number): Promise<TailResult> {
    const last = (kept: readonly TailLine[]): readonly TailLine[] => (lines === undefined ? kept : kept.slice(Math.max(0, kept.length - lines)));
    return { units: this.#resolve(units, true).map((unit) => ({ unit, lines: last(this.#project.tail.lines(unit)) })) };
  }

  events(onEvent: (e: ProcsEvent) => void): Feed {
    return this.#feed(this.#project.bus.subscribe(onEvent));
  }

  async dashboard(request: DashboardRequest = {}): Promise<DashboardInfo> {
    if (!this.#hooks.dashboard) throw new ControlError('bad-request', 'this project serves no dashboard');
    return this.#hooks.dashboard(request);
  }

  async why(units: readonly string[]): Promise<WhyResult> {
    // The rows `ps` shows, probe answers included.
    return { units: explainLive(this.#project, (await this.status()).units, units) };
  }

  /** The units' and watch rules' runs, with their leaders' pids, as `status` lists them. */
  usage(): Promise<UsageResult> {
    return this.#usage.usage(() => [...this.#project.supervisor.status(), ...(this.#project.watch?.rows() ?? [])]);
  }

  attach(unit: string, client: AttachClient, size?: WindowSize): AttachSession {
    if (this.#down) return refusedSession(new ControlError('stopping', 'the project is going down'));
    return attachUnit(this.#project, unit, client, size, (end) => {
      this.#feedEnds.add(end);
      return () => void this.#feedEnds.delete(end);
    });
  }

  /** Whether units were stopped on request (or scaled away): a foreground `up` then stays. */
  holdsOpen(): boolean {
    const names = new Set(this.#project.spec.units.map((u) => u.name));
    return names.size === 0 || [...this.#held].some((n) => names.has(n));
  }

  /** Resolves once a `down` in progress, if any, is done (its answer sent). */
  async settled(): Promise<void> {
    if (!this.#down) return;
    await this.#down.catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve)); // lets the server write its answer first
  }

  /** Ends every feed: the project is going away. */
  endFeeds(): void {
    for (const end of [...this.#feedEnds]) end();
  }

  async #shutdown(req: DownRequest): Promise<void> {
    const sup = this.#project.supervisor;
    const timeoutMs = req.timeoutMs;
    if (timeoutMs !== undefined)
      await sup.apply(
        sup.specs.map((s) => ({ ...s, stop: { ...s.stop, timeoutMs } })),
        [],
      );
    await this.#hooks.stopAll('down requested');
    this.endFeeds();
    await this.#hooks.release();
  }

  /** Starts units and what they need (`noDeps`: only them); failed or skipped ones get a fresh run. */
  async #startUnits(names: readonly string[], wait = true, noDeps = false): Promise<void> {
    const sup = this.#project.supervisor;
    const states = new Map(sup.status().map((u) => [u.name, u.state]));
    const retry = names.filter((n) => states.get(n) === 'failed' || states.get(n) === 'skipped');
    const fresh = names.filter((n) => !retry.includes(n));
    if (fresh.length > 0) sup.start(fresh, { noDeps });
    const retried = retry.length > 0 ? sup.restartUnits(retry, { reason: 'start requested' }) : Promise.resolve();
    if (wait) await Promise.all([retried, ...names.map((n) => sup.whenUp(n))]);
  }

  /** Unit names as a command gives them; `withRules`: watch rules too (their output is a unit's). */
  #resolve(units: readonly string[], withRules = false): string[] {
    const spec = this.#project.spec;
    const rules = withRules ? spec.watch.map((r) => ({ name: r.name, kind: 'watch' })) : [];
    return resolveUnits(
      units,
      [...spec.units, ...rules],
      spec.pools.map((p) => p.name),
    );
  }

  // The rows of `names` once the runs started so far have their pids.
  async #rowsOnceSpawned(names: readonly string[]): Promise<UnitRow[]> {
    await this.#project.supervisor.pidsKnown();
    return this.#rows(names);
  }

  #rows(names: readonly string[]): UnitRow[] {
    const set = new Set(names);
    return this.#unitRows(this.#project.supervisor.status().filter((u) => set.has(u.name)));
  }

  /** Rows of supervisor statuses, with the latest probe answers of units that have probes. */
  #unitRows(statuses: readonly UnitStatus[]): UnitRow[] {
    return rowsOf(statuses, this.#project.supervisor.specs, this.#project.probes);
  }

  /** Runs requests that change the project one after another; refuses them once going down. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#down) return Promise.reject(new ControlError('stopping', 'the project is going down'));
    const run = this.#queue.then(() => {
      if (this.#down) throw new ControlError('stopping', 'the project is going down');
      return fn();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** An in-process feed around a subscription, ready once `ready` resolves. */
  #feed(unsubscribe: () => void, ready: Promise<void> = Promise.resolve()): Feed {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const close = (): void => {
      unsubscribe();
      this.#feedEnds.delete(close);
      end();
    };
    this.#feedEnds.add(close);
    return { ready, ended, close };
  }
}
