// One watch rule at run time: changes go into its scheduler, and each run it starts goes
// sync → run → restart, told as events: `watch` when a run starts, `build` with its result.
// A failed sync or run stops there, so the targets keep running the version they have.
import type { WatchRule } from '../config/spec.js';
import type { ExitInfo } from '../events/types.js';
import type { OutputSink } from '../output/sink.js';
import type { Clock } from '../runtime/clock.js';
import type { EventInput } from '../runtime/supervisor.js';
import { startBuild, type BuildRun } from './build.js';
import { RuleScheduler, type RunRequest } from './debounce.js';
import { syncChanges } from './sync.js';

/** At most this many paths go into a `watch` event. */
export const MAX_EVENT_PATHS = 100;

export interface RestartRequest {
  /** Restart pools one instance at a time, each ready before the next. */
  readonly rolling: boolean;
  readonly reason: string;
  /** Aborted when a newer change supersedes this restart: a rolling restart stops between instances. */
  readonly signal?: AbortSignal;
}

export interface RuleDeps {
  readonly clock: Clock;
  /** Where the output of `run` goes, as a unit named after the rule. */
  readonly sink: OutputSink;
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

  // Starts one run; the scheduler hears when it is over, whatever happened.
  #start(request: RunRequest): void {
    this.#cycle = this.#run(request)
      .catch((err: unknown) => this.#say(`watch rule failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => this.scheduler.finished());
  }

  // sync → run → restart, stopping at the first failure.
  async #run(request: RunRequest): Promise<void> {
    const { rule } = this;
    if (!request.initial) this.#deps.publish({ type: 'watch', unit: rule.name, paths: request.paths.slice(0, MAX_EVENT_PATHS) });
    if (rule.sync !== undefined && !(await this.#sync(request))) return;
    if (rule.run !== undefined) {
      const exit = await this.#runCommand();
      if (exit === undefined) return;
      const ok = exit.error === undefined && exit.code === 0;
      this.#deps.publish({ type: 'build', unit: rule.name, ok, exit });
      if (!ok) return;
    }
    if (request.initial || this.#closed || rule.restart.length === 0) return;
    await this.#restart();
  }

  // Restarts the targets and waits until they are up, unless a newer change comes first: a
  // target that never gets ready must not keep the rule from building the fix.
  async #restart(): Promise<void> {
    const { rule } = this;
    const abort = new AbortController();
    const superseded = new Promise<void>((resolve) => (this.#superseded = resolve)).then(() => abort.abort());
    const restarting = this.#deps
      .restart(rule.restart, { rolling: rule.rolling, reason: `files changed (${rule.name})`, signal: abort.signal })
      .catch((err: unknown) => this.#say(`restart failed: ${err instanceof Error ? err.message : String(err)}`));
    await Promise.race([restarting, superseded]);
    this.#superseded = undefined;
  }

  // Mirrors the changes (every file, for the initial run); false when it failed.
  async #sync(request: RunRequest): Promise<boolean> {
    const paths = request.initial ? [...this.#initialFiles, ...request.paths] : request.paths;
    this.#initialFiles = [];
    try {
      await syncChanges({ from: this.rule.cwd, to: this.rule.sync ?? '', paths });
      return true;
    } catch (err) {
      this.#say(`sync to ${this.rule.sync ?? ''} failed: ${err instanceof Error ? err.message : String(err)}`);
      this.#deps.publish({ type: 'build', unit: this.rule.name, ok: false });
      return false;
    }
  }

  // Runs `run` to its end; undefined when procs stopped it (shutting down).
  async #runCommand(): Promise<ExitInfo | undefined> {
    if (this.#closed) return undefined;
    const build = startBuild(this.rule, this.#deps.sink, this.#deps.clock);
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
