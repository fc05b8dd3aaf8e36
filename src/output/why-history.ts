// What a run's events say of one unit, for `procs why`: when it came to its state, its exits,
// what stopped or restarted it (and, for a watch rule, which files), since when a probe gives
// the same answer. Pure.
import { describeExit } from '../events/exit.js';
import type { ProbeResult, ProcsEvent, UnitState } from '../events/types.js';
import type { WhyCause, WhyExit } from './why.js';

type Event<T extends ProcsEvent['type']> = Extract<ProcsEvent, { type: T }>;

/** The unit's last event of type `type`, at or before index `before` (the end when absent). */
export function lastOf<T extends ProcsEvent['type']>(events: readonly ProcsEvent[], unit: string, type: T, before = events.length - 1): Event<T> | undefined {
  for (let i = Math.min(before, events.length - 1); i >= 0; i--) {
    const e = events[i];
    if (e?.unit === unit && e.type === type) return e as Event<T>;
  }
  return undefined;
}

/** When the unit came to `state`: its last event that left it there. */
export function sinceOf(events: readonly ProcsEvent[], unit: string, state: UnitState): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.unit !== unit || e.state === undefined) continue;
    if (e.state !== state) return undefined;
    // The earliest of the events in a row that left it in this state.
    let j = i;
    for (let k = i - 1; k >= 0; k--) {
      const p = events[k];
      if (p?.unit !== unit || p.state === undefined) continue;
      if (p.state !== state) break;
      j = k;
    }
    return events[j]?.ts;
  }
  return undefined;
}

/** The unit's exits in this run, oldest first. */
export function exitsOf(events: readonly ProcsEvent[], unit: string): WhyExit[] {
  return events
    .filter((e): e is Event<'exit'> => e.type === 'exit' && e.unit === unit)
    .map((e) => ({ code: e.exit.code, signal: e.exit.signal, text: describeExit(e.exit), at: e.ts }));
}

/** Since when a probe has given the answer `latest` (the first of those answers in a row), from the probe events. */
export function answerSince(events: readonly ProcsEvent[], unit: string, latest: ProbeResult): string {
  let since = latest.at;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.type !== 'probe' || e.unit !== unit || e.result.probe !== latest.probe) continue;
    if (e.result.ok !== latest.ok || e.result.detail !== latest.detail) break;
    since = e.result.at;
  }
  return since;
}

const WATCH_REASON = /^files changed \((.+)\)$/;

/**
 * Who a stop or restart `reason` names, in words. `requested` is what every unit's stop says
 * when procs stops them all: the `procs` stop event before it says why.
 */
export function causeOf(events: readonly ProcsEvent[], index: number, reason: string, at: string): WhyCause {
  const rule = WATCH_REASON.exec(reason)?.[1];
  if (rule !== undefined) {
    const change = lastOf(events, rule, 'watch', index);
    const paths = change?.paths ?? [];
    return { at, reason, by: `watch rule ${rule}`, rule, paths };
  }
  if (reason === 'requested') {
    const all = projectStop(events, index);
    return { at, reason, by: all ? `procs stopping every unit: ${all}` : 'a request' };
  }
  return {
    at,
    reason,
    by: WHO[reason] ?? (reason.endsWith(' restarted') ? `a restart of ${reason.slice(0, -' restarted'.length)} (it depends on it with restart: true)` : reason),
  };
}

const WHO: Readonly<Record<string, string>> = {
  'stopped on request': 'procs stop',
  'restart requested': 'procs restart',
  'start requested': 'procs start',
  'spec changed': 'a reload (the spec changed)',
};

/** The reason of the `procs` stop (every unit) before `index`, when there is one. */
function projectStop(events: readonly ProcsEvent[], index: number): string | undefined {
  for (let i = Math.min(index, events.length - 1); i >= 0; i--) {
    const e = events[i];
    if (e?.type === 'stop' && e.unit === 'procs' && e.waiting === undefined && e.reason !== 'waiting') return e.reason;
  }
  return undefined;
}

/** What stopped the unit last (its last `stop` event that is not a skip), when anything did. */
export function stoppedBy(events: readonly ProcsEvent[], unit: string): WhyCause | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.unit !== unit) continue;
    if (e.type === 'spawn') return undefined;
    if (e.type === 'stop' && e.state !== 'skipped') return causeOf(events, i, e.reason, e.ts);
  }
  return undefined;
}

/**
 * What restarted the unit's current run: the stop or `restart` event between its last two
 * spawns (a crash restart says how the run before ended). Undefined for a first run.
 */
export function restartedBy(events: readonly ProcsEvent[], unit: string): WhyCause | undefined {
  let spawns = 0;
  let cause: WhyCause | undefined;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.unit !== unit) continue;
    if (e.type === 'spawn' && ++spawns === 2) return cause;
    if (spawns !== 1 || cause !== undefined) continue;
    if (e.type === 'restart') cause = restartCause(events, i, e);
    else if (e.type === 'stop' && e.state !== 'skipped') cause = causeOf(events, i, e.reason, e.ts);
  }
  return spawns >= 1 ? cause : undefined;
}

function restartCause(events: readonly ProcsEvent[], index: number, e: Event<'restart'>): WhyCause {
  if (e.reason === 'liveness probe failed') return { at: e.ts, reason: e.reason, by: 'its liveness probe' };
  if (e.reason.endsWith(' restarted')) return causeOf(events, index, e.reason, e.ts);
  return { at: e.ts, reason: e.reason, by: `its restart policy (${e.reason})` };
}

/** A cause in one line: `restarted at 18:50:30 by watch rule src: src/a.js changed`. */
export function causeLine(verb: string, c: WhyCause, clock: (iso: string) => string): string {
  const files = c.paths && c.paths.length > 0 ? `: ${c.paths.join(', ')} changed` : '';
  return `${verb} at ${clock(c.at)} by ${c.by}${files}`;
}
