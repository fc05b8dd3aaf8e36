// The watch rules of a running project: one watcher and one runner per rule that is on, the
// initial runs, rules added, re-armed and removed by a reload, and closing it all. `procs up`
// starts this before the supervisor, so that `initial: true` runs finish before their targets
// first start and no change is missed.
import type { Spec, UnitSpec, WatchRule } from '../config/spec.js';
import type { OutputSink } from '../events/sink.js';
import { realClock, type Clock } from '../base/clock.js';
import type { EventInput } from '../runtime/supervisor.js';
import { compileMatcher } from './match.js';
import { RuleRunner, type RuleDeps, type RunnerSnapshot } from './rule.js';
import { activeRules, expandTargets } from './targets.js';
import { openWatcher, type WatchHandle } from './watcher.js';

export { type RestartRequest, type RunnerSnapshot } from './rule.js';
export { activeRules, expandTargets } from './targets.js';

export interface WatchOptions {
  readonly spec: Spec;
  /** The rules to turn on now; by default those the spec turns on for `selected`. */
  readonly rules?: readonly WatchRule[];
  /** The unit names `up` starts (none given: every unit): a rule whose targets are all outside them stays off. */
  readonly selected?: readonly string[];
  /** `--ignore GLOB`, repeatable: exclusions added to every rule (relative to its cwd). */
  readonly ignore?: readonly string[];
  readonly sink: OutputSink;
  /** Starts and stops the rules' `run` commands (through the project's process host). */
  readonly processes: RuleDeps['processes'];
  readonly publish: (e: EventInput) => void;
  readonly restart: RuleDeps['restart'];
  /** The units as they are now (after a scale); the spec's units when not given. */
  readonly units?: () => readonly UnitSpec[];
  readonly clock?: Clock;
  /** Told of every change a rule accepts, as it arrives (diagnostics and tests). */
  readonly onChange?: (rule: string, rel: string) => void;
}

/**
 * A rule that is on. `starting`: its first scan (and its initial run) is not over; `running`:
 * it watches; `stopping`: it is being closed; `stopped`: closed; `failed`: it cannot watch.
 */
export interface RuleStatus {
  readonly rule: WatchRule;
  readonly state: 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
  /** When it began watching (wall-clock ms). */
  readonly since: number | undefined;
  /** Why it failed, when it did. */
  readonly reason: string | undefined;
  readonly runner: RunnerSnapshot;
}

export interface WatchSession {
  /** The names of the rules that are on: their events and `run` output appear under these. */
  readonly rules: readonly string[];
  /** Resolves once every watcher is ready and every `initial: true` run is over. */
  readonly started: Promise<void>;
  /** The rules that are on, in the order they were turned on. */
  status(): RuleStatus[];
  /**
   * Turns a rule on (a reload): resolves once it watches. A rule that is on under the same name
   * (or `replaces`) is its old definition: it watches until the new one is ready, then hands it
   * the changes it had not handled, a run it cut short included. No `initial` run: that is for `up`.
   */
  add(rule: WatchRule, replaces?: string): Promise<void>;
  /** Turns a rule off: stops its watcher and a running build; resolves once they are gone. */
  remove(name: string): Promise<void>;
  /** The spec targets are expanded against from now on (after a reload). */
  useSpec(spec: Spec): void;
  /** Stops every watcher and every running build; resolves once all are gone. */
  close(): Promise<void>;
  /** Resolves once `close()` has finished. */
  readonly closed: Promise<void>;
}

interface Entry {
  readonly rule: WatchRule;
  readonly runner: RuleRunner;
  state: RuleStatus['state'];
  since: number | undefined;
  reason: string | undefined;
  handle: WatchHandle | undefined;
  /** Whether changes go to the runner yet. */
  live: boolean;
  /** Resolves once the rule watches (or has failed to). */
  opened: Promise<void>;
  /** Set once the rule is being closed; resolves with the changes it had not handled. */
  shutting: Promise<string[]> | undefined;
}

/** Starts watching the rules that are on, even none: a reload may turn some on later. */
export function createWatchSession(opts: WatchOptions): WatchSession {
  let spec = opts.spec;
  const current = opts.units ?? (() => spec.units);
  const restart: RuleDeps['restart'] = (names, request) => opts.restart(expandTargets(current(), names, spec.units, opts.selected), request);
  const deps: RuleDeps = { clock: opts.clock ?? realClock, sink: opts.sink, processes: opts.processes, publish: opts.publish, restart };
  const say = (rule: WatchRule, text: string): void => void opts.sink.write({ unit: rule.name, stream: 'stderr', text: `${text}\n` });
  const entries = new Map<string, Entry>();
  let closed = false;

  // Opens a rule's watcher. Changes go to `deliver` once the rule is live; before that,
  // `early` gets them (the files an initial `sync` mirrors, or those a re-armed rule must not miss).
  const open = (entry: Entry, early: (rel: string) => void, reportInitial: boolean): Promise<WatchHandle> => {
    const { rule, runner } = entry;
    const matcher = compileMatcher({ cwd: rule.cwd, paths: rule.paths, ignore: [...rule.ignore, ...(opts.ignore ?? [])], exclude: rule.sync });
    return openWatcher({
      cwd: rule.cwd,
      matcher,
      poll: rule.poll,
      reportInitial,
      onChange: (rel) => {
        if (!entry.live) return void early(rel);
        runner.change(rel);
        opts.onChange?.(rule.name, rel);
      },
      onError: (err) => say(rule, `watch error: ${err.message}`),
    });
  };

  // Turns one rule on; `opening` opens its watcher and makes it live.
  const turnOn = (rule: WatchRule, opening: (entry: Entry) => Promise<void>): Entry => {
    const entry: Entry = {
      rule,
      runner: new RuleRunner(rule, deps),
      state: 'starting',
      since: undefined,
      reason: undefined,
      handle: undefined,
      live: false,
      opened: Promise.resolve(),
      shutting: undefined,
    };
    entries.set(rule.name, entry);
    // A rule that cannot watch says so and stays off; the others and the units go on.
    entry.opened = opening(entry).catch((err: unknown) => {
      const why = err instanceof Error ? err.message : String(err);
      entry.state = 'failed';
      entry.reason = `cannot watch: ${why}`;
      say(rule, entry.reason);
    });
    return entry;
  };

  // Waits for a watcher to be ready; false when the session or the rule was closed meanwhile.
  const ready = async (entry: Entry, handle: WatchHandle): Promise<boolean> => {
    entry.handle = handle;
    if (closed || entry.state !== 'starting') {
      await handle.close();
      return false;
    }
    await handle.ready;
    return !closed && entry.state === 'starting';
  };

  // Closes a rule, once: its runner (a running build is stopped) and its watcher. Resolves with
  // the changes it had not handled.
  const shut = (entry: Entry): Promise<string[]> =>
    (entry.shutting ??= (async () => {
      entry.live = false;
      if (entry.state !== 'failed') entry.state = 'stopping';
      const left = await entry.runner.handOver();
      await entry.opened;
      await entry.handle?.close();
      if (entry.state !== 'failed') entry.state = 'stopped';
      return left;
    })());
  /** Rules replaced by a reload and not closed yet. */
  const retiring = new Set<Entry>();

  const initial = (opts.rules ?? activeRules(opts.spec, opts.selected)).map((rule) =>
    turnOn(rule, async (entry) => {
      const found: string[] = [];
      const handle = await open(entry, (rel) => found.push(rel), rule.initial && rule.sync !== undefined);
      if (!(await ready(entry, handle))) return;
      entry.since = Date.now();
      entry.live = true;
      if (rule.initial) await entry.runner.runInitial(found);
      if (entry.state === 'starting') entry.state = 'running';
    }),
  );
  const started = Promise.all(initial.map((e) => e.opened)).then(() => undefined);
  let closing: Promise<void> | undefined;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));

  return {
    get rules() {
      return [...entries.values()].filter((e) => e.state === 'starting' || e.state === 'running').map((e) => e.rule.name);
    },
    started,
    closed: finished,
    status: () => [...entries.values()].map((e) => ({ rule: e.rule, state: e.state, since: e.since, reason: e.reason, runner: e.runner.snapshot() })),
    async add(rule, replaces) {
      if (closed) return;
      const old = entries.get(replaces ?? rule.name);
      if (old) {
        entries.delete(old.rule.name);
        retiring.add(old);
      }
      const early: string[] = [];
      const entry = turnOn(rule, async (e) => {
        const handle = await open(e, (rel) => early.push(rel), false);
        if (!(await ready(e, handle))) return;
        // Both watch until the old one is closed: whatever changed meanwhile reaches the new one.
        const left = old ? await shut(old) : [];
        if (closed || e.state !== 'starting') return;
        e.since = Date.now();
        e.state = 'running';
        e.live = true;
        e.runner.carry([...left, ...early]);
      });
      await entry.opened;
      // Should the new rule fail to watch, the old one is closed all the same.
      if (old) {
        await shut(old);
        retiring.delete(old);
      }
    },
    async remove(name) {
      const entry = entries.get(name);
      if (!entry) return;
      entries.delete(name);
      await shut(entry);
    },
    useSpec(next) {
      spec = next;
    },
    close: () =>
      (closing ??= (async () => {
        closed = true;
        await Promise.all([...entries.values(), ...retiring].map((e) => shut(e)));
        await started;
        done();
      })()),
  };
}
