// What others see of a unit record: the `ps` row, the exit summary's facts, and what the
// dependency check reads. Pure projections of the record and its lifecycle state.
import type { UnitSpec } from '../config/spec.js';
import type { ExitInfo, UnitState } from '../events/types.js';
import type { DepView } from './deps.js';
import { isLive, readinessOf, runOf, type UnitRecord } from './lifecycle.js';
import type { Announced } from './notify.js';
import type { ScheduleInfo } from './schedule.js';

/** What `ps` shows of one unit. */
export interface UnitStatus {
  readonly name: string;
  readonly kind: UnitSpec['kind'];
  readonly pool: string | null;
  readonly state: UnitState;
  readonly pid: number | null;
  readonly restarts: number;
  readonly started_at: string | null;
  readonly exit: { readonly code: number | null; readonly signal: string | null } | null;
  readonly health: { readonly readiness: string | null; readonly liveness: string | null };
  readonly reason: string | null;
  /** The status line the run announced (STATUS=… on its NOTIFY_SOCKET); only on units that listen. */
  readonly status?: string | null;
  /** Only on scheduled units: the next tick and the last run. */
  readonly schedule?: ScheduleInfo;
}

/** Final facts about a unit, for the exit summary. */
export interface UnitOutcome {
  readonly name: string;
  readonly state: UnitState;
  readonly exit: ExitInfo | null;
  readonly reason: string | null;
  readonly forced: boolean;
  /** Killed with every unit at once (a second Ctrl-C), not for its stop timeout. */
  readonly atOnce: boolean;
  readonly restarts: number;
}

// Why a unit failed, was skipped or is inactive; nothing in any other state.
function reasonOf(r: UnitRecord): string | null {
  const p = r.phase;
  return p.kind === 'failed' || p.kind === 'skipped' || p.kind === 'inactive' ? p.reason : null;
}

// What the current run announced, if anything.
function ownAnnouncement(r: UnitRecord, announced: Announced | undefined): Announced | undefined {
  return announced && runOf(r.phase)?.id === announced.run ? announced : undefined;
}

/** A unit's state as its status row shows it: a run that said STOPPING=1 is stopping until it ends. */
export function shownState(r: UnitRecord, announced?: Announced): UnitState {
  return ownAnnouncement(r, announced)?.stopping && isLive(r.phase) ? 'stopping' : r.phase.kind;
}

export function statusRow(r: UnitRecord, announced?: Announced, schedule?: ScheduleInfo): UnitStatus {
  const { spec, phase } = r;
  const run = runOf(phase);
  const own = ownAnnouncement(r, announced);
  return {
    name: spec.name,
    kind: spec.kind,
    pool: spec.kind === 'instance' ? (spec.pool ?? null) : null,
    state: shownState(r, announced),
    // The pid of the current run, while it is alive or being stopped; a status does not wait for
    // one still to come (the spawner's answer, read through the event loop).
    pid: phase.kind === 'starting' ? null : (run?.proc.pid ?? null),
    restarts: r.restarts,
    started_at: r.startedAt,
    exit: r.lastExit ? { code: r.lastExit.code, signal: r.lastExit.signal } : null,
    // Health is about the running process: none is shown once it stopped, exited or waits to restart.
    health: isLive(phase)
      ? {
          readiness: readinessOf(phase, Boolean(spec.health.readiness)),
          liveness: spec.health.liveness ? (phase.kind === 'unhealthy' ? 'failing' : 'ok') : null,
        }
      : { readiness: null, liveness: null },
    reason: reasonOf(r),
    ...(announced ? { status: own?.status ?? null } : {}),
    ...(schedule ? { schedule } : {}),
  };
}

export function outcomeRow(r: UnitRecord): UnitOutcome {
  return {
    name: r.spec.name,
    state: r.phase.kind,
    exit: r.lastExit,
    reason: reasonOf(r),
    forced: r.phase.kind === 'stopped' && r.phase.forced,
    atOnce: r.phase.kind === 'stopped' && r.phase.atOnce === true,
    restarts: r.restarts,
  };
}

export function depView(r: UnitRecord): DepView {
  return { state: r.phase.kind, everStarted: r.everStarted, everReady: r.everReady };
}
