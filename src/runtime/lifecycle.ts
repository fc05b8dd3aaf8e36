// One unit's lifecycle: the state it is in, carrying what only that state has, and the moves
// between states as functions. A move takes only the states it may start from, so a move the
// supervisor must never make (a stopped unit becoming ready, a pending one backing off) does not
// typecheck. Pure: no clock, no driver; the supervisor does the work and records the outcome here.
import type { TimerHandle } from '../base/clock.js';
import type { UnitSpec } from '../config/spec.js';
import { ENDED_STATES, type ExitInfo, type UnitState } from '../events/types.js';
import type { RunningProcess } from './driver.js';

/** One run of a unit: from the request to start it until its process tree is gone. */
export interface Run {
  /** Unique within a supervisor: probe results name the run they are about. */
  readonly id: number;
  readonly proc: RunningProcess;
  /** When it was asked to start, on the supervisor's clock (`Clock.now`). */
  readonly startedAt: number;
  /** False once its leader has exited: no probe result counts any more. */
  readonly alive: boolean;
}

/** The state of one unit; `kind` is the state `ps` and the events show. */
export type Phase =
  /** Not started, or waiting for its dependencies. */
  | { readonly kind: 'pending' }
  /** The driver was asked to start it; no pid yet. */
  | { readonly kind: 'starting'; readonly run: Run }
  | { readonly kind: 'running'; readonly run: Run }
  /**
   * Its readiness probe passed. `ending` is a liveness restart that began while it was unhealthy
   * and is still stopping the run.
   */
  | { readonly kind: 'ready'; readonly run: Run; readonly ending?: Promise<void> }
  /** Its liveness probe gave up: `ending` stops the run, then the restart policy decides. */
  | { readonly kind: 'unhealthy'; readonly run: Run; readonly wasReady: boolean; readonly ending: Promise<void> }
  /**
   * Waits to restart until `until` (`Clock.now`). `after` is the run that ended, so that a kill of
   * everything still reaches what it may have left behind.
   */
  | { readonly kind: 'backoff'; readonly until: number; readonly attempt: number; readonly timer: TimerHandle; readonly after: RunningProcess }
  /** Being stopped on request since `since` (wall-clock ms); `ending` resolves once it is stopped. */
  | { readonly kind: 'stopping'; readonly run: Run; readonly since: number; readonly ending: Promise<void> }
  /**
   * `forced`: killed with SIGKILL, because its stop timeout ran out or, `atOnce`, because every
   * unit was killed at once (a second Ctrl-C).
   */
  | { readonly kind: 'stopped'; readonly forced: boolean; readonly atOnce?: boolean }
  | { readonly kind: 'completed' }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  /** Not started by default (a profile not active, `enabled: false`) and not asked for by name. */
  | { readonly kind: 'inactive'; readonly reason: string }
  /** A scheduled unit between runs; `next` is its next tick (wall-clock ms), null when it has none. */
  | { readonly kind: 'scheduled'; readonly next: number | null };

export type PhaseOf<K extends Phase['kind']> = Extract<Phase, { readonly kind: K }>;
/** A run is alive and not being stopped on request (a liveness restart may be under way). */
export type Live = PhaseOf<'starting' | 'running' | 'ready' | 'unhealthy'>;
/** A live run with no stop under way: a stop request or a failed liveness probe may end it. */
export type Steady = PhaseOf<'starting' | 'running' | 'ready'>;
/** No run: waiting to start, to restart, or for the next tick. */
export type Waiting = PhaseOf<'pending' | 'backoff' | 'scheduled'>;
/** Over until started again. */
export type Ended = PhaseOf<'stopped' | 'completed' | 'failed' | 'skipped'>;

// Every state a unit shows has exactly one variant, and no variant is a state the contract lacks.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _everyState: Same<Phase['kind'], UnitState> = true;
void _everyState;

export const PENDING: PhaseOf<'pending'> = { kind: 'pending' };

/** pending or backoff → starting: the driver was asked for a new run. */
export function launched(_from: Waiting, run: Run): PhaseOf<'starting'> {
  return { kind: 'starting', run };
}

/** starting → running: the run has a pid. */
export function spawned(from: PhaseOf<'starting'>): PhaseOf<'running'> {
  return { kind: 'running', run: from.run };
}

/** A live run → ready: its readiness probe passed. A liveness restart under way goes on. */
export function readied(from: Live): PhaseOf<'ready'> {
  const ending = endingOf(from);
  return ending ? { kind: 'ready', run: from.run, ending } : { kind: 'ready', run: from.run };
}

/** A steady run → unhealthy; `ending` is the stop that follows. */
export function failedLiveness(from: Steady, ending: Promise<void>): PhaseOf<'unhealthy'> {
  return { kind: 'unhealthy', run: from.run, wasReady: from.kind === 'ready', ending };
}

/** A steady run → stopping: a stop was requested at `since` (wall-clock ms). */
export function stopRequested(from: Steady, since: number, ending: Promise<void>): PhaseOf<'stopping'> {
  return { kind: 'stopping', run: from.run, since, ending };
}

/** A live or stopping run whose leader exited: the same state, the run no longer alive. */
export function leaderExited<P extends Live | PhaseOf<'stopping'>>(from: P): P {
  return { ...from, run: { ...from.run, alive: false } };
}

/** A run that ended (by itself or for its liveness) → backoff: restart number `attempt` at `until`. */
export function backingOff(from: Live, until: number, attempt: number, timer: TimerHandle): PhaseOf<'backoff'> {
  return { kind: 'backoff', until, attempt, timer, after: from.run.proc };
}

/** A run that ended → completed: it succeeded and is not restarted. */
export function completed(_from: Live): PhaseOf<'completed'> {
  return { kind: 'completed' };
}

/** A run that ended → failed for good, or a run that could not be spawned. */
export function failed(_from: Live, reason: string): PhaseOf<'failed'> {
  return { kind: 'failed', reason };
}

/** A run that ended, or a unit without one, → stopped. */
export function stopped(_from: Live | PhaseOf<'stopping'> | Waiting, forced = false, atOnce = false): PhaseOf<'stopped'> {
  return atOnce ? { kind: 'stopped', forced, atOnce } : { kind: 'stopped', forced };
}

/** pending, a run that ended, or a tick → scheduled: waits for the tick at `next`. */
export function awaitingTick(_from: Live | Waiting, next: number | null): PhaseOf<'scheduled'> {
  return { kind: 'scheduled', next };
}

/** pending → skipped: a dependency failed or was skipped, so it can never start. */
export function skipped(_from: PhaseOf<'pending'>, reason: string): PhaseOf<'skipped'> {
  return { kind: 'skipped', reason };
}

export function isLive(p: Phase): p is Live {
  return p.kind === 'starting' || p.kind === 'running' || p.kind === 'ready' || p.kind === 'unhealthy';
}

export function isSteady(p: Phase): p is Steady {
  return (p.kind === 'starting' || p.kind === 'running' || p.kind === 'ready') && endingOf(p) === undefined;
}

export function isEnded(p: Phase): p is Ended {
  return ENDED_STATES.has(p.kind);
}

/** The run a live or stopping unit is on; none while it waits or once it has ended. */
export function runOf(p: Phase): Run | undefined {
  return isLive(p) || p.kind === 'stopping' ? p.run : undefined;
}

/** The stop under way (requested, or for a failed liveness probe); the unit is settled once it resolves. */
export function endingOf(p: Phase): Promise<void> | undefined {
  return p.kind === 'stopping' || p.kind === 'unhealthy' || p.kind === 'ready' ? p.ending : undefined;
}

/** The readiness `ps` shows for a live unit: `ok` once ready, `pending` while it has a probe to pass. */
export function readinessOf(p: Live, hasProbe: boolean): 'pending' | 'ok' | null {
  if (p.kind === 'ready' || (p.kind === 'unhealthy' && p.wasReady)) return 'ok';
  return hasProbe ? 'pending' : null;
}

/** What a supervisor keeps of one unit across its states. */
export interface UnitRecord {
  spec: UnitSpec;
  /** Whether it should be up. A stop clears it at once, before the unit's turn in the stop order. */
  wanted: boolean;
  phase: Phase;
  /** Restarts in the current series, as the restart policy counts them. */
  restarts: number;
  /** Runs started; carried over a restart so that the next spawn reads as one. */
  attempts: number;
  /** Spawned, and ready (or spawned without a readiness probe), at least once: what dependents wait for. */
  everStarted: boolean;
  everReady: boolean;
  /** The last run's exit and start (ISO-8601), still shown while it waits or once it has ended. */
  lastExit: ExitInfo | null;
  startedAt: string | null;
}

/** A unit as if never started: pending, with no history. */
export function freshRecord(spec: UnitSpec, carry: { wanted?: boolean; attempts?: number } = {}): UnitRecord {
  return {
    spec,
    wanted: carry.wanted ?? false,
    phase: PENDING,
    restarts: 0,
    attempts: carry.attempts ?? 0,
    everStarted: false,
    everReady: false,
    lastExit: null,
    startedAt: null,
  };
}
