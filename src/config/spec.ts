// The normalized, frozen spec: what the runtime consumes. Every default is filled in, every
// duration is milliseconds, every size is bytes, every path is absolute, every env is complete.
// The user-facing YAML shape lives in `spec-types.generated.ts` (derived from the JSON Schema);
// this file is the internal shape that `normalize()` produces from it.

/** A position in a spec file, 1-based, used to point errors and events at their source. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/**
 * A command to run: through a shell (string form) or exec'd directly (array form). `written`,
 * present only when the command takes a variable's value, is the command as the spec writes it
 * (`${VAR}` and all), so that `procs config` can show it without the values.
 */
export type Command =
  | { readonly kind: 'shell'; readonly shell: string; readonly script: string; readonly written?: string }
  | { readonly kind: 'exec'; readonly file: string; readonly args: readonly string[]; readonly written?: readonly string[] };

export type RestartPolicyName = 'always' | 'on-failure' | 'never';

export interface BackoffSpec {
  readonly initialMs: number;
  readonly factor: number;
  readonly maxMs: number;
}

export interface RestartSpec {
  readonly policy: RestartPolicyName;
  readonly maxRestarts: number;
  readonly backoff: BackoffSpec;
  readonly resetAfterMs: number;
  readonly successCodes: readonly number[];
}

export interface StopSpec {
  /** A signal name such as `SIGTERM`. */
  readonly signal: NodeJS.Signals;
  readonly timeoutMs: number;
}

/**
 * What a probe checks. `display` is the target as procs shows it (events, terminal, errors):
 * interpolated values and URL credentials are `***` there, so no secret travels with it.
 * `written`, present only when the target takes a variable's value, is the target as the spec
 * writes it (for `procs config`).
 */
export type ProbeCheck = (
  | { readonly kind: 'exec'; readonly command: Command }
  | { readonly kind: 'http'; readonly url: string; readonly written?: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly written?: string }
  | { readonly kind: 'log'; readonly pattern: string; readonly written?: string }
  /** Ready when the unit sends READY=1 to its NOTIFY_SOCKET. */
  | { readonly kind: 'notify' }
) & { readonly display: string };

export interface ProbeSpec {
  readonly check: ProbeCheck;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly initialDelayMs: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

export interface HealthSpec {
  readonly readiness?: ProbeSpec;
  readonly liveness?: ProbeSpec;
}

export type DependencyCondition = 'started' | 'healthy' | 'completed';

/** A dependency on a unit name as written: a process, a pipeline or a pool (meaning every instance). */
export interface Dependency {
  readonly name: string;
  readonly condition: DependencyCondition;
  /** Restart this unit when the dependency restarts (`{ restart: true }`); set only when true. */
  readonly restart?: true;
}

/**
 * A unit's `schedule:`: started at each tick instead of kept running. Exactly one of `cron`
 * (checked field by field) and `everyMs`.
 */
export interface ScheduleSpec {
  readonly cron?: string;
  readonly everyMs?: number;
  /** An IANA zone for `cron`; the system's when absent. */
  readonly timezone?: string;
  readonly runOnStart: boolean;
  /** A run still going at the next tick: skip the tick, start another beside it, or stop it and start a new one. */
  readonly concurrency: 'forbid' | 'allow' | 'replace';
}

export interface LogSpec {
  readonly maxSizeBytes: number;
  readonly keep: number;
}

export type UnitKind = 'process' | 'instance' | 'pipeline' | 'watch';

/** The points of a unit's life where a hook runs, as the spec names them. */
export type HookName = 'post_start' | 'pre_stop' | 'on_failure';

export const HOOK_NAMES: readonly HookName[] = ['post_start', 'pre_stop', 'on_failure'];

/** A hook: a command run with the unit's env and cwd, killed with its process group after `timeoutMs`. */
export interface HookSpec {
  readonly command: Command;
  readonly timeoutMs: number;
}

export type HooksSpec = { readonly [K in HookName]?: HookSpec };

/** What every runnable unit shares. */
export interface UnitBase {
  /** Unit name: `api`, `worker.3`, `errors`. */
  readonly name: string;
  readonly kind: UnitKind;
  /** Absolute working directory. */
  readonly cwd: string;
  /** The complete environment the unit's processes see (already merged and interpolated). */
  readonly env: Readonly<Record<string, string>>;
  readonly dependsOn: readonly Dependency[];
  readonly restart: RestartSpec;
  readonly stop: StopSpec;
  readonly health: HealthSpec;
  readonly log: LogSpec;
  /** On a pseudo-terminal (a pipeline: its last step); set only when true. */
  readonly tty?: true;
  /** Given a stdin pipe from procs (without `tty`); set only when true. */
  readonly stdin?: true;
  /** No FORCE_COLOR=1 even when procs writes to a coloured terminal; set only when `color: false`. */
  readonly noColor?: true;
  /** Profiles it belongs to: it starts by default only when one is active; set only when given. */
  readonly profiles?: readonly string[];
  /** Starts only when named (or needed by a unit that starts); set only when `enabled: false`. */
  readonly enabled?: false;
  /** Commands run around the unit's life (runtime/hooks.ts); set only when at least one is given. */
  readonly hooks?: HooksSpec;
  /** Started at each tick instead of kept running; set only when given. */
  readonly schedule?: ScheduleSpec;
  /** Milliseconds within which the unit must send WATCHDOG=1 (processes and pools); set only when given. */
  readonly watchdogMs?: number;
  /** Stable hash of this unit's normalized definition; the reconciler compares it. */
  readonly hash: string;
  /** Where the unit is defined, for messages. */
  readonly source?: SourcePos;
}

/** A TCP address procs listens on for a unit: `host` '' is every address (IPv6 and IPv4). */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** A unit's `listen:`: sockets procs binds once and passes to each run as fd 3… */
export interface ListenSpec {
  /** Whose sockets they are: the process, or the pool whose instances share them. */
  readonly owner: string;
  readonly addresses: readonly ListenAddress[];
  /** `node`: procs/listen is preloaded through NODE_OPTIONS. */
  readonly adopt: 'node' | 'none';
  readonly backlog: number;
}

export interface ProcessUnit extends UnitBase {
  readonly kind: 'process' | 'instance';
  readonly command: Command;
  /** A process's `port:` as written (its PORT is in `env`); only when set. */
  readonly port?: number | 'auto';
  /** Sockets procs holds for the unit (a pool's are shared by its instances); only when set. */
  readonly listen?: ListenSpec;
  /** For pool instances: the pool's name and this instance's index. */
  readonly pool?: string;
  readonly index?: number;
}

export interface PipelineUnit extends UnitBase {
  readonly kind: 'pipeline';
  /** stdout of each step feeds stdin of the next. */
  readonly steps: readonly Command[];
}

export type UnitSpec = ProcessUnit | PipelineUnit;

/** A pool as declared; its instances are in `Spec.units`. Scaling re-normalizes with a replicas override. */
export interface PoolSpec {
  readonly name: string;
  readonly replicas: number;
  readonly basePort?: number;
  readonly source?: SourcePos;
}

export interface WatchRule {
  readonly name: string;
  readonly paths: readonly string[];
  readonly ignore: readonly string[];
  readonly debounceMs: number;
  readonly sync?: string;
  readonly run?: Command;
  readonly restart: readonly string[];
  readonly rolling: boolean;
  readonly initial: boolean;
  readonly poll: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly source?: SourcePos;
}

export interface Spec {
  /** Project name: the spec folder's base name unless set. */
  readonly project: string;
  /** Absolute folder of the (first) spec file: relative paths resolve against it. */
  readonly root: string;
  /** The files this spec was read from, in merge order. */
  readonly files: readonly string[];
  /** The project's environment: inherited, global env_file and env, and PROCS_PROJECT (`procs run` gives it to CMD). */
  readonly env: Readonly<Record<string, string>>;
  /** Every runnable unit, pool instances expanded, in a dependency-respecting order. */
  readonly units: readonly UnitSpec[];
  readonly pools: readonly PoolSpec[];
  readonly watch: readonly WatchRule[];
}

/** A problem found in a spec, positioned at the offending key or value. */
export interface SpecDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}
