// The one typed event stream. Every change of state in the runtime is one of these; renderers,
// the NDJSON log and the control socket all consume the same values. Env values never go in.

/** States a unit shows, as the contract names them. */
export type UnitState =
  | 'pending'
  | 'starting'
  | 'running'
  | 'ready'
  | 'unhealthy'
  | 'backoff'
  | 'stopping'
  | 'stopped'
  | 'completed'
  | 'failed'
  | 'skipped'
  /** Not started by default (a profile not active, `enabled: false`) and not asked for by name. */
  | 'inactive'
  /** A scheduled unit between runs: it waits for its next tick. */
  | 'scheduled';

/** States a unit stays in until it is started again: its run, or its start, is over. */
export const ENDED_STATES: ReadonlySet<UnitState> = new Set<UnitState>(['stopped', 'completed', 'failed', 'skipped']);

/** Every state but the ended ones: the unit is wanted, starting, running, waiting to restart or stopping. */
export const NOT_ENDED_STATES: ReadonlySet<UnitState> = new Set<UnitState>([
  'pending',
  'starting',
  'running',
  'ready',
  'unhealthy',
  'backoff',
  'stopping',
  'scheduled',
]);

/** States in which the unit's current run is alive and not being stopped: its pid and health are shown. */
export const LIVE_STATES: ReadonlySet<UnitState> = new Set<UnitState>(['starting', 'running', 'ready', 'unhealthy']);

/**
 * Whether a unit in `state` is up: ready, or running when it has no readiness probe to pass, or
 * scheduled (waiting for its next tick).
 * Waits (`up --wait`, `procs run`) also count a completed unit, and only that for a one-shot step.
 */
export function isUpState(state: UnitState, hasReadinessProbe: boolean): boolean {
  return state === 'ready' || state === 'scheduled' || (state === 'running' && !hasReadinessProbe);
}

/** One answer of a unit's probe, as `ps --json` keeps it and a `probe` event carries it. */
export interface ProbeResult {
  readonly probe: 'readiness' | 'liveness';
  readonly check: 'http' | 'tcp' | 'exec' | 'log';
  /** What it checks, as shown (values and credentials masked): `GET http://127.0.0.1:3000/health`, `tcp 127.0.0.1:5432`, `exec pg_isready`, `log /listening/`. */
  readonly target: string;
  readonly ok: boolean;
  /**
   * What it saw, without the target: `connect ECONNREFUSED 127.0.0.1:3000` (the address only when
   * the target shows its host unmasked), `HTTP 503`, `no answer within 1s`, `exit 1: no such table`
   * (an exec probe's status and the last line it wrote), `exit 0`, `a line matched`.
   */
  readonly detail: string;
  /** When this answer came (ISO-8601): for a run of equal answers (`count` > 1), the latest of them. */
  readonly at: string;
  /** How many answers in a row were this one (same `ok` and `detail`), this one included. */
  readonly count: number;
}

/** How a run of a unit ended: one value whether it succeeded or not. */
export interface ExitInfo {
  /** Exit code, or null when killed by a signal or never spawned. */
  readonly code: number | null;
  /** Signal name (`SIGKILL`) when killed by a signal. */
  readonly signal: string | null;
  /** The status a shell would report: code, or 128+N for signal N. */
  readonly status: number;
  readonly durationMs: number;
  /** Set when the process could not be spawned: command not found, cwd missing, permission denied. */
  readonly error?: string;
  /** For pipelines: the 0-based index of the step whose status is reported. */
  readonly step?: number;
}

interface Base {
  /** ISO-8601 time. */
  readonly ts: string;
  /** Unit, pool, watch rule, or `procs` for project-wide events. */
  readonly unit: string;
  /** The unit's state after this event, where the event concerns a unit. */
  readonly state?: UnitState;
}

// The `type` values are the contract's list; new facts go into new fields, never new types
// (`hook` was added with hooks: a hook's start and end are facts of their own).
// States without an event of their own travel in `state`: `completed` and `failed` on `exit`,
// `stopping`/`stopped`/`skipped` on `stop`, `running` on `spawn`.
export type ProcsEvent =
  | (Base & { readonly type: 'spawn'; readonly pid: number; readonly attempt: number })
  | (Base & { readonly type: 'ready'; readonly afterMs: number })
  | (Base & { readonly type: 'unhealthy'; readonly reason: string })
  | (Base & {
      readonly type: 'exit';
      readonly exit: ExitInfo;
      /** A scheduled unit's run: the ticks skipped while it went on (`concurrency: forbid`). */
      readonly skipped?: number;
    })
  | (Base & { readonly type: 'restart'; readonly reason: string; readonly attempt: number })
  | (Base & {
      readonly type: 'backoff';
      readonly delayMs: number;
      readonly attempt: number;
      /** The bound `attempt` counts towards (`restart.max_restarts`), for "attempt 2 of 5". */
      readonly maxRestarts?: number;
    })
  | (Base & { readonly type: 'failed'; readonly reason: string })
  | (Base & {
      readonly type: 'stop';
      readonly reason: string;
      /** Stopped with SIGKILL: after the stop timeout ran out, or (`atOnce`) when every unit was killed at once. */
      readonly forced?: boolean;
      /** Killed with every other unit at once (a second Ctrl-C or stop signal), not for its stop timeout. */
      readonly atOnce?: boolean;
      /** The stop signal sent (`SIGTERM`), on `stopping`. */
      readonly signal?: string;
      /** The stop timeout, for "killed with SIGKILL after its stop timeout (10s)". */
      readonly timeoutMs?: number;
      /** On a project-wide (`procs`) stop: the units not gone yet… */
      readonly waiting?: readonly string[];
      /** …and when they will be killed (ISO-8601). */
      readonly killAt?: string;
    })
  | (Base & {
      readonly type: 'hook';
      /** Which hook: `post_start`, `pre_stop` or `on_failure`. */
      readonly hook: 'post_start' | 'pre_stop' | 'on_failure';
      readonly phase: 'start' | 'end';
      /** On `end`: its status as a shell reports it (code, 128+N for signal N); null when killed (timeout, stop). */
      readonly status?: number | null;
      /** On `end`: killed for its timeout. */
      readonly timedOut?: boolean;
      /** On `end`: killed because its run ended or procs stopped everything. */
      readonly canceled?: boolean;
      /** On `end`: why it could not start (not `error`: the control socket's lines use that name). */
      readonly failure?: string;
      readonly durationMs?: number;
    })
  | (Base & {
      /**
       * A probe's answer changed (healthy or not, or what it saw) for a unit's run: the first
       * answer of each run, then each change. Repeats of the same answer are counted, not logged.
       */
      readonly type: 'probe';
      readonly result: ProbeResult;
    })
  | (Base & {
      /**
       * procs began serving a project (unit `procs`): the first event of each run of `up`, `up -d`
       * or `procs run`, where `procs why` and the startup analysis read a run's events from.
       */
      readonly type: 'start';
      readonly runner: 'up' | 'run' | 'daemon';
      readonly pid: number;
      /** The active profiles, when any. */
      readonly profiles?: readonly string[];
    })
  | (Base & { readonly type: 'watch'; readonly paths: readonly string[] })
  | (Base & { readonly type: 'build'; readonly ok: boolean; readonly exit?: ExitInfo })
  | (Base & { readonly type: 'reload'; readonly actions: readonly string[] })
  | (Base & { readonly type: 'scale'; readonly replicas: number })
  | (Base & { readonly type: 'config-error'; readonly errors: readonly string[] });

export type EventType = ProcsEvent['type'];

/**
 * A batch of a unit's output: one or more complete lines, each ending in `\n` (a last line
 * without a newline is completed with one when its stream ends). Batches, not single lines,
 * flow through the output path so that heavy output costs one call per chunk.
 */
export interface OutputBatch {
  readonly unit: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  /** When it was written (epoch ms), for output shown later than it arrived; now when absent. */
  readonly at?: number;
  /** For pipelines: the step whose stderr this is, 0-based (renderers show it 1-based: `[1]`). */
  readonly step?: number;
  /**
   * `text` as the UTF-8 bytes the unit wrote, when they are exactly that (a pipe's lines, see
   * events/batch.ts, where `text` is decoded from them only when read): a renderer may copy these
   * instead of encoding `text` again. Whoever makes a batch with another text leaves this out.
   */
  readonly bytes?: Uint8Array;
}
