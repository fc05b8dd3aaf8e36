// A unit as `procs ps --json` shows it, and as the control API answers it: the supervisor's units
// and the watch rules (which make their own rows) alike.
import type { ProbeResult, UnitState } from './types.js';

/** One unit as `ps --json` shows it. Fields may be added, never renamed. */
export interface UnitRow {
  readonly name: string;
  readonly kind: 'process' | 'instance' | 'pipeline' | 'watch';
  readonly pool: string | null;
  readonly state: UnitState;
  readonly pid: number | null;
  readonly restarts: number;
  readonly started_at: string | null;
  readonly exit: { readonly code: number | null; readonly signal: string | null };
  readonly health: { readonly readiness: string | null; readonly liveness: string | null };
  /** Why a unit failed, was skipped or stopped, when known; for a watch rule, why it is off or why its last run failed. */
  readonly reason: string | null;
  /**
   * Only on units with `notify` readiness or a `watchdog`, while a run is up: the status line it
   * announced (STATUS=… on its NOTIFY_SOCKET), null before it sends one.
   */
  readonly status?: string | null;
  /**
   * Only on units with a readiness or liveness probe (not `notify`): the latest answers of the
   * current (or last) run, the readiness probe's then the liveness probe's, each oldest first, at
   * most 5 per probe (a run of equal answers is one entry with its `count`); `[]` before any.
   */
  readonly probes?: readonly ProbeResult[];
  /** Only on scheduled units (`schedule:`): the next run and how the last one ended. */
  readonly schedule?: ScheduleInfo;
  /** Only on watch rules (`kind: "watch"`): what the rule watches and where it is. */
  readonly watch?: WatchInfo;
}

/**
 * A watch rule in `ps --json`, beside the fields every unit has: `state` is `running` while it
 * watches (`starting` until its first scan and initial run are over, `stopped` when it is off,
 * `failed` when it cannot watch), `pid` is the `run` command in progress, `restarts` counts the
 * runs changes started, `started_at` is when it began watching, `exit` is how the last `run` ended.
 */
export interface WatchInfo {
  /** The `paths` globs, as written. */
  readonly paths: readonly string[];
  /** The `restart:` targets, as written. */
  readonly targets: readonly string[];
  /** `idle`, `waiting` (changes seen, within `debounce`), or the step of the run in progress: `sync`, `run`, `restart`. */
  readonly activity: 'idle' | 'waiting' | 'sync' | 'run' | 'restart';
  /** Changes arrived during the run in progress: one more run follows it. */
  readonly queued: boolean;
  /** Runs started, the initial one included. */
  readonly runs: number;
  /** The latest run: when it started, and whether every step went through (null while it is in progress). */
  readonly last_run: { readonly started_at: string; readonly ok: boolean | null } | null;
}

/** How a scheduled unit's last run ended, as `ps` shows it. */
export interface LastRun {
  readonly started_at: string | null;
  readonly ended_at: string;
  /** It exited with one of its success codes. */
  readonly ok: boolean;
  readonly code: number | null;
  readonly signal: string | null;
  /** Why it failed; null when it succeeded. */
  readonly reason: string | null;
}

/** What `ps` shows of a scheduled unit beside its state. */
export interface ScheduleInfo {
  /** The next tick (ISO-8601), null when there is none (or the unit is not running). */
  readonly next_run: string | null;
  readonly last_run: LastRun | null;
  /** Ticks skipped because a run was still going (`concurrency: forbid`). */
  readonly skipped: number;
  /** Runs going beside the unit's own run (`concurrency: allow`). */
  readonly beside: number;
}
