// `reload` and `scale` on a running project: read the spec again, ask `plan()` what to do, and
// let the supervisor apply it. A spec with errors changes nothing: the errors are published as
// a `config-error` event and returned. A scale sticks across reloads until the spec itself
// changes that pool's size.
import type { AutoPort } from '../config/context.js';
import { formatDiagnostic, loadSpec, type LoadOptions, type LoadResult } from '../config/index.js';
import type { Spec } from '../config/spec.js';
import type { EventBus } from '../events/bus.js';
import { describeActions, plan, type Action } from '../reconcile/plan.js';
import type { Supervisor } from '../runtime/supervisor.js';
import { ControlError, type UnitRow } from '../control/api.js';
import { observe, scalable, scaledSpec, sizeOf } from './merge.js';
import { suggestName } from './names.js';

/** How the project's spec is read: the same every time, unless a reload names other files. */
export interface LoadSettings {
  readonly cwd: string;
  readonly files: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly formation: Readonly<Record<string, number>>;
  /** Picks `port: auto` ports: the running project's, so that a reload keeps them. */
  readonly autoPort?: AutoPort;
}

/** The watch rules of a running project, as the reconciler and `ps` see them. */
export interface WatchTarget {
  /** What reloading to `spec` does to the rules: `start`, `restart` (re-arm) and `remove` actions. */
  plan(spec: Spec): Action[];
  /** Takes the reloaded spec and carries out its plan. */
  apply(spec: Spec, actions: readonly Action[]): Promise<void>;
  /** Every rule of the running spec as `ps` shows it (kind `watch`). */
  rows(): UnitRow[];
}

/** What the reconciler changes: the running spec, the supervisor and the watch rules. */
export interface ReconcileTarget {
  readonly spec: Spec;
  readonly supervisor: Supervisor;
  readonly bus: EventBus;
  /** The watch rules; a project without them (tests) has none. */
  readonly watch?: WatchTarget;
  /** Takes a new spec as the running one (names in the view, log limits…). */
  adopt(spec: Spec): void;
}

export type Loader = (opts: LoadOptions) => Promise<LoadResult>;

export class SpecReconciler {
  readonly #target: ReconcileTarget;
  readonly #load: Loader;
  #settings: LoadSettings;
  #watched: string[];
  /** Pool sizes as the spec (with `-m`) declares them, from the last reload. */
  #declared = new Map<string, number>();
  /** Sizes set by `scale`, with the declared size they overrode. */
  #scaled = new Map<string, { replicas: number; declared: number }>();

  constructor(target: ReconcileTarget, settings: LoadSettings, initial: LoadResult, load: Loader = loadSpec) {
    this.#target = target;
    this.#load = load;
    this.#settings = settings;
    this.#watched = filesOf(initial);
    this.#declare(target.spec);
  }

  /** The spec and env files the running spec was read from. */
  get watchedFiles(): readonly string[] {
    return this.#watched;
  }

  /** The spec files the project runs, in merge order. */
  get specFiles(): readonly string[] {
    return this.#settings.files;
  }

  /**
   * Reads the spec again (or other files) and reconciles the project to it; `switched` says so
   * when the files are not the ones it ran.
   */
  async reload(
    req: { files?: readonly string[]; formation?: Readonly<Record<string, number>> } = {},
  ): Promise<{ actions: string[]; warnings: string[]; switched?: { from: string[]; to: string[] } }> {
    const before = [...this.#settings.files];
    const settings: LoadSettings = {
      ...this.#settings,
      ...(req.files && req.files.length > 0 ? { files: req.files } : {}),
      formation: { ...this.#settings.formation, ...req.formation },
    };
    let result = await this.#read(settings, {});
    const spec = this.#accept(result);
    if (spec.root !== this.#target.spec.root) {
      throw new ControlError('bad-request', `${spec.files.join(', ')} belongs to another folder than the running project (${this.#target.spec.root})`);
    }
    for (const [name, s] of this.#scaled) {
      if (!scalable(spec).includes(name) || sizeOf(spec, name) !== s.declared || req.formation?.[name] !== undefined) this.#scaled.delete(name);
    }
    this.#declare(spec);
    if (this.#scaled.size > 0) result = await this.#read(settings, this.#overrides());
    const next = this.#accept(result);
    this.#settings = settings;
    this.#watched = filesOf(result);
    const actions = plan(next.units, this.#observed());
    const rules = this.#target.watch?.plan(next) ?? [];
    const said = describeActions([...actions, ...rules]);
    this.#target.bus.publish({ type: 'reload', unit: 'procs', actions: said });
    await this.#apply(next, actions);
    await this.#target.watch?.apply(next, rules);
    const to = [...settings.files];
    const same = to.length === before.length && to.every((f, i) => f === before[i]);
    return { actions: said, warnings: warningsOf(result, settings.cwd), ...(same ? {} : { switched: { from: before, to } }) };
  }

  /** Sets pool sizes; only those pools change, whatever else the spec file says meanwhile. */
  async scale(pools: Readonly<Record<string, number>>): Promise<{ actions: string[] }> {
    const current = this.#target.spec;
    const names = scalable(current);
    for (const name of Object.keys(pools)) {
      if (!names.includes(name))
        throw new ControlError('unknown-unit', `no pool named '${name}'${suggestName(name, names)}${names.length ? ` (pools: ${names.join(', ')})` : ''}`);
    }
    const before = new Map(this.#scaled);
    for (const [name, n] of Object.entries(pools)) this.#scaled.set(name, { replicas: n, declared: this.#declared.get(name) ?? sizeOf(current, name) });
    const result = await this.#read(this.#settings, this.#overrides());
    if (!result.spec) this.#scaled = before;
    const next = scaledSpec(current, this.#accept(result), Object.keys(pools));
    const actions = plan(next.units, this.#observed());
    for (const [name, n] of Object.entries(pools)) this.#target.bus.publish({ type: 'scale', unit: name, replicas: n });
    await this.#apply(next, actions);
    return { actions: describeActions(actions) };
  }

  /** Reads the spec with extra counts on top of the settings' own. */
  #read(settings: LoadSettings, counts: Record<string, number>): Promise<LoadResult> {
    return this.#load({
      cwd: settings.cwd,
      files: [...settings.files],
      env: { ...settings.env },
      formation: { ...settings.formation, ...counts },
      ...(settings.autoPort ? { autoPort: settings.autoPort } : {}),
    });
  }

  /** The spec of a load, or (after publishing them) its errors as a ControlError. */
  #accept(result: LoadResult): Spec {
    if (result.spec) return result.spec;
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d, this.#settings.cwd));
    this.#target.bus.publish({ type: 'config-error', unit: 'procs', errors });
    throw new ControlError('spec-error', 'the spec has errors; nothing was changed', errors);
  }

  /** Takes the spec first (so new units have names and log limits), then applies the plan. */
  async #apply(spec: Spec, actions: readonly Action[]): Promise<void> {
    this.#target.adopt(spec);
    await this.#target.supervisor.apply(spec.units, actions);
  }

  #observed(): ReturnType<typeof observe> {
    const sup = this.#target.supervisor;
    return observe(sup.specs, sup.status());
  }

  #declare(spec: Spec): void {
    this.#declared = new Map(scalable(spec).map((n) => [n, sizeOf(spec, n)]));
  }

  #overrides(): Record<string, number> {
    return Object.fromEntries([...this.#scaled].map(([name, s]) => [name, s.replicas]));
  }
}

/** Every file a load read: the spec files, those they include or extend from, then the env files. */
function filesOf(result: LoadResult): string[] {
  return [...result.files, ...(result.included ?? []), ...(result.envFiles ?? [])];
}

/** A load's warnings, `FILE:LINE:COL  warning: message`. */
function warningsOf(result: LoadResult, cwd: string): string[] {
  return result.diagnostics.filter((d) => d.severity === 'warning').map((d) => formatDiagnostic(d, cwd));
}
