// The control API of a running project: what `ps`, `logs`, `start`, `stop`, `restart`,
// `scale`, `reload`, `down`, `up --wait` and `top` ask of it. The daemon (or a foreground `up`) implements it on its
// supervisor; the CLI's client implements it over HTTP on the project's Unix socket; a web
// dashboard can use either. Types only, plus the one error type every side shares.
import type { ProcsEvent } from '../events/types.js';
import type { UnitRow } from '../events/unit-row.js';
import type { TailLine } from '../output/tail.js';
import type { Why } from '../output/why.js';
import type { WindowSize } from '../proc/unit-input.js';

export type { UnitRow, WatchInfo } from '../events/unit-row.js';

/** What serves a running project: the daemon, a foreground `procs up`, or `procs run`. */
export type ProjectRunner = 'daemon' | 'up' | 'run';

export interface ProjectStatus {
  readonly project: string;
  /** The spec's folder: `.procs/` is in it. */
  readonly root: string;
  /** The pid of the process serving the socket (the daemon, or a foreground `up`). */
  readonly pid: number;
  /**
   * What serves the project: `daemon` (started by `up -d`), `up` (a foreground `procs up` in some
   * terminal) or `run` (`procs run`). Absent from a procs before this field: a daemon then.
   */
  readonly runner?: ProjectRunner;
  /** When that procs began serving the project (ISO-8601): lines logged before are from an earlier run. */
  readonly started_at?: string;
  /** The spec files the project runs, in merge order (absolute paths). */
  readonly files: readonly string[];
  readonly pools: readonly { readonly name: string; readonly replicas: number }[];
  readonly units: readonly UnitRow[];
}

/** `reload`, and `up` on a running project: read the spec again and reconcile to it. */
export interface ReloadRequest {
  /** Other spec files than the ones the project was started with (absolute paths). */
  readonly files?: readonly string[];
  /** `-m` counts to apply on top of the spec. */
  readonly formation?: Readonly<Record<string, number>>;
  /** After reconciling, start these units unless they run or completed (empty: every unit). */
  readonly start?: readonly string[];
  /** Start only the units of `start`, not their dependencies (`up --no-deps`). */
  readonly noDeps?: boolean;
}

export interface ReloadResult {
  /** What was done, in words: `start web`, `restart api`, `remove old`. */
  readonly actions: readonly string[];
  /** Spec warnings, `FILE:LINE:COL  message`. */
  readonly warnings: readonly string[];
  /** Units started by `start` in the request. */
  readonly started: readonly string[];
  /** Set when the request named other spec files than the project ran: it now runs `to`. */
  readonly switched?: { readonly from: readonly string[]; readonly to: readonly string[] };
}

export interface ScaleResult {
  readonly actions: readonly string[];
}

export interface UnitsResult {
  /** The named units after the command, as `ps` shows them. */
  readonly units: readonly UnitRow[];
}

export interface DownRequest {
  /** Overrides every unit's stop timeout. */
  readonly timeoutMs?: number;
}

/** A piece of a unit's output as the logs stream carries it: one or more whole lines. */
export interface LiveBatch {
  /** When it was written (ISO-8601). */
  readonly ts: string;
  readonly unit: string;
  readonly stream: 'stdout' | 'stderr';
  readonly step?: number;
  readonly text: string;
  /** Lines this follower missed because it read too slowly (set on a notice, text empty). */
  readonly dropped?: number;
}

/**
 * A unit's last lines, from the project's memory. The supervisor says a unit ended only once its
 * output has been read (or a second after it exited, when something still holds its pipes or the
 * output cannot be taken in), so once a client sees a unit `failed`, its last lines are here;
 * the log files are written behind and may not have them yet.
 */
export interface UnitTail {
  readonly unit: string;
  /** Oldest first. */
  readonly lines: readonly TailLine[];
}

export interface TailResult {
  readonly units: readonly UnitTail[];
}

/** `why`: why each named unit is in its state, worked out by the procs that runs the project. */
export interface WhyResult {
  readonly units: readonly Why[];
}

/** What a unit's whole process tree uses, as `ps --json` shows it; null where it is not known (not running). */
export interface UsageFigures {
  /** CPU over the last moment, in percent of one core (as `top`): 250 is two and a half cores busy. */
  readonly cpu_percent: number | null;
  /** Resident memory (RSS) of every process of the tree, added up. */
  readonly rss_bytes: number | null;
  /** Proportional set size (shared pages divided among their sharers); null where the kernel does not offer it. */
  readonly pss_bytes: number | null;
}

export interface UnitUsage extends UsageFigures {
  readonly name: string;
}

/** `usage`: each running unit's figures (and watch rules' runs), and their sum. */
export interface UsageResult {
  /** The units that run, by name. */
  readonly units: readonly UnitUsage[];
  readonly total: UsageFigures;
  /** The span CPU figures are averaged over, in milliseconds. */
  readonly window_ms: number;
}

/** A live stream: `ready` once subscribed, `ended` when it stops (closed, or the project went away). */
export interface Feed {
  readonly ready: Promise<void>;
  readonly ended: Promise<void>;
  close(): void;
}

/** How a unit takes input: keystrokes on its terminal, lines on its stdin, or none. */
export type InputKind = 'tty' | 'stdin' | 'none';

/** What an attached client is told, besides the unit's output. */
export type AttachNotice =
  /** First: the unit and how it takes input; `size` is its terminal's (a tty unit). */
  | { readonly type: 'attached'; readonly unit: string; readonly input: InputKind; readonly state: string; readonly size?: WindowSize }
  /** Its run ended and it will run again (or is being restarted). */
  | { readonly type: 'exited'; readonly text: string }
  /** A new run started (the client stays attached to it). */
  | { readonly type: 'restarted'; readonly pid: number | null }
  /** Output the client missed because it read too slowly. */
  | { readonly type: 'dropped'; readonly bytes: number }
  /** Last: the unit stopped for good, or the project went away; the connection closes. */
  | { readonly type: 'ended'; readonly text: string; readonly failed: boolean };

/** One attached client: what it sends to the unit; `closed` once it is let go. */
export interface AttachSession {
  /** Resolves with the `attached` notice once attached; rejects with a ControlError when it cannot attach. */
  readonly ready: Promise<Extract<AttachNotice, { type: 'attached' }>>;
  /** Resolves once the session is over (detached, ended, or the connection lost). */
  readonly ended: Promise<void>;
  /** Keystrokes (or text for stdin) to the unit; ignored when it takes no input. */
  write(data: Buffer): void;
  /** This client's window size (the latest to resize sets the unit's terminal). */
  resize(size: WindowSize): void;
  /** Detaches: the unit runs on. */
  close(): void;
}

export interface AttachClient {
  /** The unit's output, as it wrote it (a tty unit's with its escape sequences). */
  output(chunk: Buffer): void;
  notice(n: AttachNotice): void;
}

/** `dashboard`: serve the project's web dashboard (when it does not yet) and say where. */
export interface DashboardRequest {
  /** The port to serve on (absent: the last dashboard's when free, else one the kernel picks). */
  readonly port?: number;
}

export interface DashboardInfo {
  /** `http://127.0.0.1:PORT/?token=TOKEN`: the page, with the token that lets this user in. */
  readonly url: string;
  /** Whether this request started it (false: it was serving already). */
  readonly started: boolean;
}

export interface ControlApi {
  status(): Promise<ProjectStatus>;
  /**
   * Resolves once the project has spawned every unit its dependencies allow (after the watch
   * rules' first scans and `initial: true` runs): what `up -d` waits for.
   */
  started(): Promise<void>;
  /** Starts units (and what they need); resolves once each is up or has ended. */
  start(units: readonly string[]): Promise<UnitsResult>;
  /** Stops units; resolves once each is stopped. */
  stop(units: readonly string[]): Promise<UnitsResult>;
  /** Restarts units; resolves once each runs again (ready, with a readiness probe). */
  restart(units: readonly string[]): Promise<UnitsResult>;
  scale(pools: Readonly<Record<string, number>>): Promise<ScaleResult>;
  reload(request?: ReloadRequest): Promise<ReloadResult>;
  /** Stops every unit and the project; `onEvent` sees the stop events meanwhile. */
  down(request?: DownRequest, onEvent?: (e: ProcsEvent) => void): Promise<void>;
  /** Output of the named units (pool names mean every instance; none: all) from now on; once `ready`, the log files hold what came before. */
  logs(units: readonly string[], onBatch: (b: LiveBatch) => void): Feed;
  /** The last `lines` lines (all that are kept when absent) of the named units (pool names mean every instance; none: all). */
  tail(units: readonly string[], lines?: number): Promise<TailResult>;
  events(onEvent: (e: ProcsEvent) => void): Feed;
  /** Why each named unit (pool names mean every instance; none: every unit not up) is in its state. */
  why(units: readonly string[]): Promise<WhyResult>;
  /** CPU and memory of each running unit's process tree, read when asked. */
  usage(): Promise<UsageResult>;
  /** Serves the web dashboard (once; later requests get the same URL). */
  dashboard(request?: DashboardRequest): Promise<DashboardInfo>;
  /** Attaches to one unit: its recent and live output, input to it, this client's window size (`size`) on its terminal. */
  attach(unit: string, client: AttachClient, size?: WindowSize): AttachSession;
}

export type ControlErrorCode = 'not-running' | 'denied' | 'unknown-unit' | 'bad-request' | 'too-large' | 'spec-error' | 'stopping' | 'no-answer' | 'internal';

const HTTP_STATUS: Readonly<Record<ControlErrorCode, number>> = {
  'not-running': 503,
  denied: 403,
  'unknown-unit': 404,
  'bad-request': 400,
  'too-large': 413,
  'spec-error': 422,
  stopping: 409,
  'no-answer': 504,
  internal: 500,
};

/** A failure of a control request: one shape on the server, on the wire and in the client. */
export class ControlError extends Error {
  readonly code: ControlErrorCode;
  /** Further lines: spec errors, one per line. */
  readonly details: readonly string[];

  constructor(code: ControlErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.code = code;
    this.details = details;
  }

  /** The HTTP status the server answers with. */
  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}
