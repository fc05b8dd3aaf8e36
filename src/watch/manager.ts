// The watch rules as a running project sees them: which are on, what `ps` shows of each (the
// ones that are off too), and what a reload changes. The watchers themselves, and chokidar,
// load only once a rule is on.
import type { Spec, UnitSpec, WatchRule } from '../config/spec.js';
import type { UnitRow, WatchInfo } from '../events/unit-row.js';
import type { OutputSink } from '../events/sink.js';
import type { ProcessDriver } from '../runtime/driver.js';
import { planRules, type Action } from '../reconcile/plan.js';
import type { EventInput } from '../runtime/supervisor.js';
import type { RestartRequest, RuleStatus, WatchSession } from './index.js';
import { activeRules } from './targets.js';

export interface WatchSettings {
  /** `--no-watch`: every rule stays off, through reloads too. */
  readonly off?: boolean;
  /** `--ignore GLOB`: exclusions added to every rule. */
  readonly ignore?: readonly string[];
  /** The units `up` was asked for (with what they need); undefined: every unit. */
  readonly selected?: readonly string[];
}

export interface WatchDeps {
  readonly sink: OutputSink;
  /** Starts and stops the rules' `run` commands (the project's processes; their output goes into `sink`). */
  readonly processes: ProcessDriver;
  readonly publish: (e: EventInput) => void;
  /** Restarts units gracefully, in dependency order; resolves once they are up. */
  readonly restart: (names: readonly string[], request: RestartRequest) => Promise<void>;
  /** The units as they are now (after a scale). */
  readonly units: () => readonly UnitSpec[];
  /** Rules turned on: their output and events appear under these names. */
  readonly onRules?: (names: readonly string[]) => void;
}

export const OFF_REASON = 'watch rules are off (--no-watch)';
const UNSELECTED_REASON = 'off: none of its targets was started';

export class WatchManager {
  readonly #settings: WatchSettings;
  readonly #deps: WatchDeps;
  #spec: Spec;
  #session: WatchSession | undefined;
  #started: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;
  #waiters: (() => void)[] = [];

  constructor(spec: Spec, deps: WatchDeps, settings: WatchSettings = {}) {
    this.#spec = spec;
    this.#deps = deps;
    this.#settings = settings;
  }

  /** Whether `--no-watch` turned every rule off. */
  get off(): boolean {
    return this.#settings.off === true;
  }

  /**
   * Turns on the rules `up` starts with; resolves once their watchers are being opened, with
   * whether any rule is on. `started` then says when they watch and their initial runs are over.
   */
  async start(): Promise<boolean> {
    const rules = this.#wanted(this.#spec);
    if (rules.length === 0 || this.#closing) return false;
    const session = await this.#open(rules);
    if (!session) return false;
    this.#started = session.started.then(() => this.#notify());
    return true;
  }

  /** Resolves once the rules `start` turned on watch and their `initial: true` runs are over. */
  get started(): Promise<void> {
    return this.#started;
  }

  /** Whether a rule is on (starting or watching): `up` then keeps running. */
  get watching(): boolean {
    return !this.#closing && (this.#session?.rules.length ?? 0) > 0;
  }

  /** Resolves once no rule is on: closed, or a reload removed the last one. */
  unwatched(): Promise<void> {
    if (!this.watching) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** What a reload to `spec` does to the rules (pure: nothing changes yet). */
  plan(spec: Spec): Action[] {
    const on = this.#session?.status().map((s) => s.rule) ?? [];
    return planRules(this.#wanted(spec), on);
  }

  /** Takes a reloaded spec and carries out `plan(spec)`; resolves once new and re-armed rules watch. */
  async apply(spec: Spec, actions: readonly Action[]): Promise<void> {
    this.#spec = spec;
    if (this.#closing) return;
    this.#session?.useSpec(spec);
    if (actions.length === 0) return;
    const session = this.#session ?? (await this.#open([]));
    if (!session) return;
    const rules = new Map(spec.watch.map((r) => [r.name, r]));
    const added = actions.filter((a) => a.kind !== 'remove').map((a) => a.unit);
    if (added.length > 0) this.#deps.onRules?.(added);
    await Promise.all(
      actions.map((a) => {
        const rule = rules.get(a.unit);
        if (a.kind === 'remove' || !rule) return session.remove(a.unit);
        return session.add(rule, a.kind === 'restart' ? a.unit : undefined);
      }),
    );
    this.#notify();
  }

  /** Every rule of the spec as `ps` shows it, those that are off too. */
  rows(): UnitRow[] {
    const on = new Map((this.#session?.status() ?? []).map((s) => [s.rule.name, s]));
    const wanted = new Set(this.#wanted(this.#spec).map((r) => r.name));
    return this.#spec.watch.map((rule) => {
      const status = on.get(rule.name);
      if (status) return liveRow(status);
      if (this.off) return offRow(rule, 'stopped', OFF_REASON);
      if (!wanted.has(rule.name)) return offRow(rule, 'stopped', UNSELECTED_REASON);
      return offRow(rule, this.#closing ? 'stopped' : 'pending', null);
    });
  }

  /** Stops every watcher and running build; resolves once all are gone. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#session?.close();
      this.#notify();
    })();
    return this.#closing;
  }

  // The rules the spec turns on under these settings.
  #wanted(spec: Spec): WatchRule[] {
    return this.off ? [] : activeRules(spec, this.#settings.selected);
  }

  // Loads the watchers and opens a session with `rules` on.
  async #open(rules: readonly WatchRule[]): Promise<WatchSession | undefined> {
    const { createWatchSession } = await import('./index.js');
    if (this.#closing || this.#session) return this.#session;
    const d = this.#deps;
    this.#session = createWatchSession({
      spec: this.#spec,
      rules,
      ...(this.#settings.selected ? { selected: this.#settings.selected } : {}),
      ignore: this.#settings.ignore ?? [],
      sink: d.sink,
      processes: d.processes,
      publish: d.publish,
      restart: d.restart,
      units: d.units,
    });
    d.onRules?.(rules.map((r) => r.name));
    return this.#session;
  }

  // Wakes `unwatched()` waiters once no rule is on.
  #notify(): void {
    if (this.watching) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    waiters.forEach((w) => w());
  }
}

/** A rule that is on, as `ps` shows it. */
function liveRow(s: RuleStatus): UnitRow {
  const r = s.runner;
  const activity: WatchInfo['activity'] = r.step ?? (r.scheduler === 'waiting' ? 'waiting' : 'idle');
  return {
    name: s.rule.name,
    kind: 'watch',
    pool: null,
    state: s.state,
    pid: r.pid ?? null,
    restarts: r.changeRuns,
    started_at: s.since === undefined ? null : new Date(s.since).toISOString(),
    exit: { code: r.lastExit?.code ?? null, signal: r.lastExit?.signal ?? null },
    health: { readiness: null, liveness: null },
    reason: s.reason ?? r.failure ?? null,
    watch: {
      paths: s.rule.paths,
      targets: s.rule.restart,
      activity,
      queued: r.scheduler === 'queued',
      runs: r.runs,
      last_run: r.lastRun ? { started_at: new Date(r.lastRun.startedAt).toISOString(), ok: r.lastRun.ok ?? null } : null,
    },
  };
}

/** A rule that is off (or not turned on yet), as `ps` shows it. */
function offRow(rule: WatchRule, state: 'pending' | 'stopped', reason: string | null): UnitRow {
  return {
    name: rule.name,
    kind: 'watch',
    pool: null,
    state,
    pid: null,
    restarts: 0,
    started_at: null,
    exit: { code: null, signal: null },
    health: { readiness: null, liveness: null },
    reason,
    watch: { paths: rule.paths, targets: rule.restart, activity: 'idle', queued: false, runs: 0, last_run: null },
  };
}
