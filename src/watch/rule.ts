// One watch rule at run time: changes go into its scheduler, and each run it starts goes
// sync → run → restart, told as events: `watch` when a run starts, `build` with its result.
// A failed sync or run stops there, so the targets keep running the version they have.
// `snapshot()` says where the rule is (for `ps`); `handOver()` ends it and gives back the
// changes it had not handled yet, for the rule that replaces it on a reload.
import type { WatchRule } from '../config/spec.js';
import type { ExitInfo } from '../events/types.js';
import { describeExit } from '../events/exit.js';
import type { OutputSink } from '../events/sink.js';
import type { Clock } from '../base/clock.js';
import type { ProcessDriver } from '../runtime/driver.js';
import type { EventInput } from '../runtime/supervisor.js';
import { startBuild, type BuildRun } from './build.js';
import { RuleScheduler, type RunRequest, type SchedulerState } from './debounce.js';
import { syncChanges } from './sync.js';

/** At most this many paths go into a `watch` event. */
const MAX_EVENT_PATHS = 100;

export interface RestartRequest {
  /** Restart pools one instance at a time, each ready before the next. */
  readonly rolling: boolean;
  readonly reason: string;
  /** Aborted when a newer change supersedes this restart: a rolling restart stops between instances. */
  readonly signal?: AbortSignal;
}

/** The step a run is at: mirroring into `sync`, running `run`, restarting the targets. */
export type RunStep = 'sync' | 'run' | 'restart';

/** Where a rule is, for `ps`. */
export interface RunnerSnapshot {
  /** The scheduler's state: `idle`, `waiting` (debounce), `running`, `queued` (a run waits for this one). */
  readonly scheduler: SchedulerState;
  /** The step of the run in progress. */
  readonly step: RunStep | undefined;
  /** The pid of the `run` command in progress. */
  readonly pid: number | undefined;
  /** Runs started, the initial one included. */
  readonly runs: number;
  /** Runs started by a change (the initial one left out). */
  readonly changeRuns: number;
  /** The latest run: when it started (wall-clock ms) and how it went (undefined while in progress). */
  readonly lastRun: { readonly startedAt: number; readonly ok: boolean | undefined } | undefined;
  /** How the latest `run` command ended. */
  readonly lastExit: ExitInfo | undefined;
  /** Why the latest run failed, when it did. */
  readonly failure: string | undefined;
}

export interface RuleDeps {
  readonly clock: Clock;
  /** Where the output of `run` goes, as a unit named after the rule. */
  readonly sink: OutputSink;
  /** Starts and stops the `run` command's process (its output goes into `sink` too). */
  readonly processes: ProcessDriver;
  readonly publish: (e: EventInput) => void;
  /** Restarts units or pools gracefully, in dependency order; resolves once done. */
  readonly restart: (names: readonly string[], request: RestartRequest) => Promise<void>;
}

export class RuleRunner {
  readonly rule: WatchRule;
  readonly scheduler: RuleScheduler;
  readonly #deps: RuleDeps;
  #build: BuildRun | undefined;
  #cycle: Promise<void> = Promise.resolve();
  #closed = false;
  #initialFiles: readonly string[] = [];
  #superseded: (() => void) | undefined;
  /** The paths of the run in progress, until it has gone through every step. */
  #unfinished: readonly string[] = [];
  #step: RunStep | undefined;
  #changeRuns = 0;
  #lastRun: { startedAt: number; ok: boolean | undefined } | undefined;
  #lastExit: ExitInfo | undefined;
  #failure: string | undefined;

  // A runner for one rule; nothing runs until a change or `runInitial`.
  constructor(rule: WatchRule, deps: RuleDeps) {
    this.rule = rule;
    this.#deps = deps;
    this.scheduler = new RuleScheduler({ clock: deps.clock, debounceMs: rule.debounceMs, onRun: (r) => this.#start(r) });
  }

  /** A file the rule accepts changed (path relative to the rule's cwd). */
  change(rel: string): void {
    this.scheduler.change([rel]);
    this.#superseded?.();
  }

  /** Changes handed over from the rule this one replaces (a reload): they run after `debounce`. */
  carry(paths: readonly string[]): void {
    if (paths.length === 0) return;
    this.scheduler.change(paths);
    this.#superseded?.();
  }

  /** The run `initial: true` asks for; `files` are mirrored by `sync`. Resolves once it is over. */
  async runInitial(files: readonly string[]): Promise<void> {
    this.#initialFiles = files;
    this.scheduler.runNow(true);
    await this.#cycle;
  }

  /** No more runs: stops a running build and waits until the current run is over. */
  async close(): Promise<void> {
    this.#closed = true;
    this.scheduler.close();
    this.#superseded?.();
    await this.#build?.stop();
    await this.#cycle;
  }

  /**
   * Ends the rule (as `close`) and returns the changes it has not handled: those waiting for a
   * run, and those of a run it cut short. The rule that replaces it on a reload runs them.
   */
  async handOver(): Promise<string[]> {
    const pending = this.scheduler.pending;
    await this.close();
    return [...new Set([...this.#unfinished, ...pending])];
  }

  /** Where the rule is now. */
  snapshot(): RunnerSnapshot {
    return {
      scheduler: this.scheduler.state,
      step: this.#step,
      pid: this.#step === 'run' ? this.#build?.pid : undefined,
      runs: this.scheduler.runs,
      changeRuns: this.#changeRuns,
      lastRun: this.#lastRun && { ...this.#lastRun },
      lastExit: this.#lastExit,
      failure: this.#failure,
    };
  }

  // Starts one run; the scheduler hears when it is over, whatever happened.
  #start(request: RunRequest): void {
    if (!request.initial) this.#changeRuns += 1;
    this.#unfinished = request.paths;
    this.#lastRun = { startedAt: Date.now(), ok: undefined };
    this.#cycle = this.#run(request)
      .then((ok) => this.#ended(ok))
      .catch((err: unknown) => {
        const text = `watch rule failed: ${err instanceof Error ? err.message : String(err)}`;
        this.#say(text);
        this.#ended(false, text);
      })
      .finally(() => {
        this.#step = undefined;
        this.scheduler.finished();
      });
  }

  // Records how a run ended; a run cut short by `close` keeps its paths as unfinished.
  #ended(ok: boolean | undefined, failure?: string): void {
    if (ok === undefined) return;
    this.#unfinished = [];
    if (this.#lastRun) this.#lastRun.ok = ok;
    this.#failure = ok ? undefined : (failure ?? this.#failure);
  }

  // sync → run → restart, stopping at the first failure. True when every step went through,
  // false when one failed, undefined when procs cut the run short (the rule was closed).
  async #run(request: RunRequest): Promise<boolean | undefined> {
    const { rule } = this;
    if (!request.initial) this.#deps.publish({ type: 'watch', unit: rule.name, paths: request.paths.slice(0, MAX_EVENT_PATHS) });
    if (rule.sync !== undefined) {
      this.#step = 'sync';
      if (!(await this.#sync(request))) return this.#closed ? undefined : false;
    }
    if (rule.run !== undefined) {
      this.#step = 'run';
      const exit = await this.#runCommand();
      if (exit === undefined) return undefined;
      const ok = exit.error === undefined && exit.code === 0;
      this.#lastExit = exit;
      this.#failure = ok ? undefined : `run ${describeExit(exit)}`;
      this.#deps.publish({ type: 'build', unit: rule.name, ok, exit });
      if (!ok) return false;
    }
    if (this.#closed) return undefined;
    if (request.initial || rule.restart.length === 0) return true;
    this.#step = 'restart';
    const restarted = await this.#restart();
    return this.#closed ? undefined : restarted;
  }

  // Restarts the targets and waits until they are up, unless a newer change comes first: a
  // target that never gets ready must not keep the rule from building the fix.
  async #restart(): Promise<boolean> {
    const { rule } = this;
    const abort = new AbortController();
    const superseded = new Promise<void>((resolve) => (this.#superseded = resolve)).then(() => abort.abort());
    const restarting = this.#deps.restart(rule.restart, { rolling: rule.rolling, reason: `files changed (${rule.name})`, signal: abort.signal }).then(
      () => true,
      (err: unknown) => {
        this.#failure = `restart failed: ${err instanceof Error ? err.message : String(err)}`;
        this.#say(this.#failure);
        return false;
      },
    );
    const ok = await Promise.race([restarting, superseded.then(() => true)]);
    this.#superseded = undefined;
    return ok;
  }

  // Mirrors the changes (every file, for the initial run); false when it failed.
  async #sync(request: RunRequest): Promise<boolean> {
    const paths = request.initial ? [...this.#initialFiles, ...request.paths] : request.paths;
    this.#initialFiles = [];
    try {
      await syncChanges({ from: this.rule.cwd, to: this.rule.sync ?? '', paths });
      return true;
    } catch (err) {
      this.#failure = `sync to ${this.rule.sync ?? ''} failed: ${err instanceof Error ? err.message : String(err)}`;
      this.#say(this.#failure);
      this.#deps.publish({ type: 'build', unit: this.rule.name, ok: false });
      return false;
    }
  }

  // Runs `run` to its end; undefined when procs stopped it (shutting down).
  async #runCommand(): Promise<ExitInfo | undefined> {
    if (this.#closed) return undefined;
    const build = startBuild(this.rule, this.#deps.processes, this.#deps.clock);
    this.#build = build;
    const exit = await build.done;
    this.#build = undefined;
    if (exit.error !== undefined) this.#say(exit.error);
    return this.#closed ? undefined : exit;
  }

  // A line of the rule's own output (on stderr), for what went wrong outside its command.
  #say(text: string): void {
    this.#deps.sink.write({ unit: this.rule.name, stream: 'stderr', text: `${text}\n` });
  }
}
