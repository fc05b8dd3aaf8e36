// The reconciler: what to do to bring the running project to a spec. A pure function of the
// desired units (and watch rules) and what is observed; the supervisor (and the watch rules)
// carry the actions out.
import { unitHash } from '../config/hash.js';
import type { UnitSpec, WatchRule } from '../config/spec.js';
import { NOT_ENDED_STATES, type UnitState } from '../events/types.js';

export interface ObservedUnit {
  readonly name: string;
  readonly hash: string;
  readonly state: UnitState;
}

export type ActionKind = 'start' | 'remove' | 'restart' | 'update';

/**
 * `start` a unit new to the spec; `remove` one no longer in it (stop, then forget it);
 * `restart` a running unit whose definition changed; `update` the definition of a unit that is
 * not running (it starts with the new one next time). Units that did not change are left alone.
 */
export interface Action {
  readonly kind: ActionKind;
  readonly unit: string;
}

/** Index of a pool instance (`worker.3` → 3), for stopping the highest first when scaling down. */
function instanceIndex(name: string): number {
  const dot = name.lastIndexOf('.');
  const n = dot < 0 ? NaN : Number(name.slice(dot + 1));
  return Number.isInteger(n) ? n : -1;
}

/** The actions, in the order to apply them: removals (highest instance first), restarts, updates, starts. */
export function plan(desired: readonly UnitSpec[], observed: readonly ObservedUnit[]): Action[] {
  const want = new Map(desired.map((u) => [u.name, u]));
  const have = new Map(observed.map((o) => [o.name, o]));
  const removes: Action[] = observed
    .filter((o) => !want.has(o.name))
    .sort((a, b) => instanceIndex(b.name) - instanceIndex(a.name))
    .map((o) => ({ kind: 'remove', unit: o.name }));
  const restarts: Action[] = [];
  const updates: Action[] = [];
  const starts: Action[] = [];
  for (const u of desired) {
    const o = have.get(u.name);
    if (!o) starts.push({ kind: 'start', unit: u.name });
    else if (o.hash !== u.hash && NOT_ENDED_STATES.has(o.state)) restarts.push({ kind: 'restart', unit: u.name });
    else if (o.hash !== u.hash) updates.push({ kind: 'update', unit: u.name });
  }
  return [...removes, ...restarts, ...updates, ...starts];
}

/**
 * The actions that bring the watch rules that are on (`observed`) to those the spec turns on
 * (`desired`): `remove` a rule that is gone or now off, `restart` one whose definition changed
 * (it is re-armed, keeping the changes it had not handled yet), `start` one that is new or now
 * on. Rules that did not change are left alone. Removals first, then restarts, then starts.
 */
export function planRules(desired: readonly WatchRule[], observed: readonly WatchRule[]): Action[] {
  const want = new Map(desired.map((r) => [r.name, r]));
  const have = new Map(observed.map((r) => [r.name, r]));
  const removes: Action[] = observed.filter((r) => !want.has(r.name)).map((r) => ({ kind: 'remove', unit: r.name }));
  const restarts: Action[] = [];
  const starts: Action[] = [];
  for (const r of desired) {
    const o = have.get(r.name);
    if (!o) starts.push({ kind: 'start', unit: r.name });
    else if (unitHash(o) !== unitHash(r)) restarts.push({ kind: 'restart', unit: r.name });
  }
  return [...removes, ...restarts, ...starts];
}

/** Actions in words, for the `reload` event and the command's answer. */
export function describeActions(actions: readonly Action[]): string[] {
  return actions.map((a) => `${a.kind} ${a.unit}`);
}
