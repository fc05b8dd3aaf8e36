// The dashboard's HTTP API: what its server (src/dashboard/) answers and the page (page/) asks.
// Types and constants only: the page imports this file too, so nothing here may load a module.
//
// Every request must come with a Host of 127.0.0.1:PORT, [::1]:PORT or localhost:PORT, and an
// Origin (when the browser sends one) of the same; the session cookie, or `?token=` (any GET:
// answered with the cookie and a redirect to the same URL without the token).
//
//   GET  /                        the page (index.html); /assets/… its script, style and icons
//   GET  /api/state               DashboardState
//   GET  /api/stream              Server-Sent Events (StreamEvents below)
//   GET  /api/logs?…              LogPage: lines from the unit log files (LogQuery)
//   POST /api/start|stop|restart  { units }            → UnitsResult   (the control API's)
//   POST /api/scale               { pools: {name: n} } → ScaleResult
//   POST /api/reload              {}                   → ReloadResult
//   POST /api/down                {}                   → { done: true }
// A POST needs `content-type: application/json` and the ACTION_HEADER; errors are answered as
// the control socket answers them: `{ error: { code, message, details } }` with its status.
import type { ProjectStatus, UsageResult } from '../control/api.js';
import type { ProcsEvent } from '../events/types.js';
import type { Graph } from '../output/graph.js';
import type { Why } from '../output/why.js';

/** The header every POST must carry (any value): a page of another site cannot send it without a preflight, which is refused. */
export const ACTION_HEADER = 'x-procs-action';

/** The query parameter that carries the token in the URL `procs dashboard` prints. */
export const TOKEN_PARAM = 'token';

/** The session cookie's name: one per port, since cookies do not tell ports apart. */
export function cookieName(port: number): string {
  return `procs_dashboard_${port}`;
}

export interface DashboardState {
  readonly status: ProjectStatus;
  /** CPU and memory of each running unit; null when they cannot be read. */
  readonly usage: UsageResult | null;
  /** Why each unit that is not up is in its state (what a pending unit waits on). */
  readonly why: readonly Why[];
  /** The dependency graph with each unit's state. */
  readonly graph: Graph;
}

/** One line of a unit's output, as the page shows it. */
export interface LogLine {
  /** ISO-8601 UTC, with milliseconds. */
  readonly ts: string;
  readonly unit: string;
  readonly stream: 'stdout' | 'stderr';
  /** 0-based pipeline step, for a pipeline's stderr. */
  readonly step?: number;
  /** As the unit wrote it, ANSI colours kept. */
  readonly text: string;
}

/**
 * GET /api/logs, from the unit log files (every line read so far is in them), oldest first:
 *   unit=NAME      (repeatable; pool names mean every instance; none: every unit, merged by time)
 *   before=TS      only lines stamped TS or earlier, less the `have` ones
 *   have=NAME:K    (repeatable) the page holds the last K lines of NAME stamped exactly TS: skip them
 *   limit=N        at most N lines, the newest ones (default 500, at most 5000)
 *   q=TEXT|/RE/    only lines containing TEXT, or matching RE (RE2 syntax; case-sensitive)
 * With `q`, `have` counts the lines held that pass it (the text is matched without its escape
 * sequences). A bad regex, `before`, `have` or `limit` is answered 400; an unknown unit 404.
 */
export interface LogPage {
  readonly lines: readonly LogLine[];
  /** Whether older lines (matching `q`) are in the files. */
  readonly more: boolean;
}

/**
 * GET /api/stream, Server-Sent Events. Each `event` message has the id `RUN.SEQ`; a client that
 * reconnects with Last-Event-ID gets the events after it, or a `reset` and every event of the run
 * when that id is of another run (the project was restarted) or older than what is kept.
 */
export interface StreamEvents {
  /** First on each connection. */
  readonly hello: { readonly run: string; readonly project: string; readonly resumed: boolean };
  /** Forget the events shown: what follows is the run's from its start (or as far back as kept). */
  readonly reset: Record<string, never>;
  /** One event of the project, SEQ counting from 1 in the run. */
  readonly event: { readonly seq: number; readonly event: ProcsEvent };
  /**
   * Units' output. On each connection, first one message with `history: true`: the last lines of
   * the files (every line from before the stream began); after it, every line as it comes, in
   * order, none left out. A reader too slow to take them is disconnected, never skipped over:
   * it reconnects and starts again from the files.
   */
  readonly logs: { readonly history?: boolean; readonly lines: readonly LogLine[] };
}

export type StreamEventName = keyof StreamEvents;
