// The watch rules of a running project: which rules are on, one watcher and one runner each,
// the initial runs, and closing it all. `procs up` starts this before the supervisor, so that
// `initial: true` runs finish before their targets first start and no change is missed.
import type { Spec, UnitSpec, WatchRule } from '../config/spec.js';
import type { OutputSink } from '../output/sink.js';
import { realClock, type Clock } from '../runtime/clock.js';
import { closure } from '../runtime/deps.js';
import type { EventInput } from '../runtime/supervisor.js';
import { compileMatcher } from './match.js';
import { RuleRunner, type RuleDeps } from './rule.js';
import { openWatcher, type WatchHandle } from './watcher.js';

export { MAX_EVENT_PATHS, type RestartRequest } from './rule.js';

export interface WatchOptions {
  readonly spec: Spec;
  /** The unit names `up` starts: a rule whose targets are all outside them stays off. */
  readonly selected?: readonly string[];
  /** `--ignore GLOB`, repeatable: exclusions added to every rule (relative to its cwd). */
  readonly ignore?: readonly string[];
  readonly sink: OutputSink;
  readonly publish: (e: EventInput) => void;
  readonly restart: RuleDeps['restart'];
  /** The units as they are now (after a scale); the spec's units when not given. */
  readonly units?: () => readonly UnitSpec[];
  readonly clock?: Clock;
  /** Told of every change a rule accepts, as it arrives (diagnostics and tests). */
  readonly onChange?: (rule: string, rel: string) => void;
}

export interface WatchSession {
  /** The names of the rules that are on: their events and `run` output appear under these. */
  readonly rules: readonly string[];
  /** Resolves once every watcher is ready and every `initial: true` run is over. */
  readonly started: Promise<void>;
  /** Stops every watcher and every running build; resolves once all are gone. */
  close(): Promise<void>;
  /** Resolves once `close()` has finished: while rules watch, `up` does not end by itself. */
  readonly closed: Promise<void>;
}

/** The rules `up` turns on: those without targets, and those with a target among the units it starts. */
export function activeRules(spec: Spec, selected?: readonly string[]): WatchRule[] {
  return spec.watch.filter((r) => r.restart.length === 0 || expandTargets(spec.units, r.restart, spec.units, selected).length > 0);
}

/**
 * A rule's targets as unit names, among `units` (the current ones: a scaled pool has more):
 * pools become their instances. With `selected`, only units `up` starts (named, or needed by
 * those named, in `initial`), and every instance of a pool it starts.
 */
export function expandTargets(units: readonly UnitSpec[], targets: readonly string[], initial: readonly UnitSpec[], selected?: readonly string[]): string[] {
  const picked = selected === undefined ? undefined : closure(selected, initial);
  const pools = new Set(initial.flatMap((u) => (u.kind === 'instance' && u.pool !== undefined && picked?.has(u.name) ? [u.pool] : [])));
  const poolOf = (u: UnitSpec): string | undefined => (u.kind === 'instance' ? u.pool : undefined);
  return units
    .filter((u) => targets.includes(u.name) || targets.includes(poolOf(u) ?? ''))
    .filter((u) => picked === undefined || picked.has(u.name) || pools.has(poolOf(u) ?? ''))
    .map((u) => u.name);
}

/** Starts watching; undefined when no rule is on (chokidar is then never loaded). */
export function startWatching(opts: WatchOptions): WatchSession | undefined {
  const rules = activeRules(opts.spec, opts.selected);
  if (rules.length === 0) return undefined;
  const current = opts.units ?? (() => opts.spec.units);
  const restart: RuleDeps['restart'] = (names, request) => opts.restart(expandTargets(current(), names, opts.spec.units, opts.selected), request);
  const deps: RuleDeps = { clock: opts.clock ?? realClock, sink: opts.sink, publish: opts.publish, restart };
  const say = (rule: WatchRule, text: string): void => void opts.sink.write({ unit: rule.name, stream: 'stderr', text: `${text}\n` });
  const runners: RuleRunner[] = [];
  const handles: WatchHandle[] = [];
  let closed = false;
  const startRule = async (rule: WatchRule): Promise<void> => {
    const runner = new RuleRunner(rule, deps);
    runners.push(runner);
    const matcher = compileMatcher({ cwd: rule.cwd, paths: rule.paths, ignore: [...rule.ignore, ...(opts.ignore ?? [])], exclude: rule.sync });
    const found: string[] = [];
    let ready = false;
    const handle = await openWatcher({
      cwd: rule.cwd,
      matcher,
      poll: rule.poll,
      reportInitial: rule.initial && rule.sync !== undefined,
      onChange: (rel) => {
        if (!ready) return void found.push(rel);
        runner.change(rel);
        opts.onChange?.(rule.name, rel);
      },
      onError: (err) => say(rule, `watch error: ${err.message}`),
    });
    handles.push(handle);
    if (closed) return void (await handle.close());
    await handle.ready;
    ready = true;
    if (rule.initial && !closed) await runner.runInitial(found);
  };
  // A rule that cannot watch says so and stays off; the others and the units go on.
  const started = Promise.all(rules.map((r) => startRule(r).catch((err: unknown) => say(r, `cannot watch: ${err instanceof Error ? err.message : String(err)}`)))).then(() => undefined);
  let closing: Promise<void> | undefined;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  return {
    rules: rules.map((r) => r.name),
    started,
    closed: finished,
    close: () =>
      (closing ??= (async () => {
        closed = true;
        await Promise.all([...runners.map((r) => r.close()), ...handles.map((h) => h.close())]);
        await started;
        await Promise.all(handles.map((h) => h.close()));
        done();
      })()),
  };
}
