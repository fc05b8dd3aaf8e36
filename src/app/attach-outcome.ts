// How the units of a project shown from elsewhere (`procs up` attached to it) ended, for the
// summary a foreground `up` prints: their rows when attaching, kept up to date by the events
// that follow. The project's procs is gone by the time it is printed, so it cannot be asked.
import type { UnitRow } from '../control/api.js';
import { exitStatus } from '../events/exit.js';
import { ENDED_STATES, type ExitInfo, type ProcsEvent, type UnitState } from '../events/types.js';
import type { UnitOutcome } from '../output/summary.js';

interface Outcome {
  name: string;
  state: UnitState;
  exit: ExitInfo | null;
  reason: string | null;
  forced: boolean;
  atOnce: boolean;
  restarts: number;
}

/** Events about the project or a watch rule, not a unit's run. */
const NOT_A_UNIT: ReadonlySet<ProcsEvent['type']> = new Set(['watch', 'build', 'reload', 'scale', 'config-error']);

/** Stops someone asked for (Ctrl-C or SIGTERM to that procs, `procs down`, `procs run` done): a foreground `up` then exits 0. */
const REQUESTED = /^(down requested|run finished|SIG[A-Z0-9]+ received)$/;

export class AttachedOutcomes {
  readonly #units = new Map<string, Outcome>();
  #stop: string | undefined;

  /** Takes the units' rows as the project answered them (watch rules left out). */
  adopt(rows: readonly UnitRow[]): void {
    for (const row of rows) {
      if (row.kind === 'watch') continue;
      const { code, signal } = row.exit;
      const exit = code === null && signal === null ? null : { code, signal, status: exitStatus(code, signal), durationMs: 0 };
      this.#units.set(row.name, { name: row.name, state: row.state, exit, reason: row.reason, forced: false, atOnce: false, restarts: row.restarts });
    }
  }

  /** Follows one event of the project. */
  event(e: ProcsEvent): void {
    if (e.unit === 'procs') {
      if (e.type === 'stop' && e.state === 'stopping') this.#stop ??= e.reason;
      return;
    }
    if (NOT_A_UNIT.has(e.type)) return;
    let u = this.#units.get(e.unit);
    if (!u) this.#units.set(e.unit, (u = { name: e.unit, state: 'pending', exit: null, reason: null, forced: false, atOnce: false, restarts: 0 }));
    if (e.state) u.state = e.state;
    if (e.type === 'spawn') Object.assign(u, { state: e.state ?? 'running', reason: null, forced: false, atOnce: false });
    else if (e.type === 'exit') u.exit = e.exit;
    else if (e.type === 'backoff') u.restarts = e.attempt;
    else if (e.type === 'failed') Object.assign(u, { state: 'failed', reason: e.reason });
    else if (e.type === 'stop') {
      u.forced = e.forced === true;
      u.atOnce = e.atOnce === true;
      if (e.state === 'skipped') u.reason = e.reason;
    }
  }

  /** Why the project was stopped, when it was. */
  get stopReason(): string | undefined {
    return this.#stop;
  }

  /** Whether the stop was asked for (a foreground `up` exits 0 then, whatever its units did). */
  get stopRequested(): boolean {
    return this.#stop !== undefined && REQUESTED.test(this.#stop);
  }

  /** Whether every unit has ended: a foreground project then ends by itself. */
  allEnded(): boolean {
    return [...this.#units.values()].every((u) => ENDED_STATES.has(u.state) || u.state === 'pending');
  }

  /** The units as the summary lists them (those never started left out). */
  outcome(): UnitOutcome[] {
    return [...this.#units.values()].filter((u) => u.state !== 'pending').map((u) => ({ ...u }));
  }

  /** Whether every unit ended well: completed, or stopped. */
  allGood(): boolean {
    return this.outcome().every((u) => u.state === 'completed' || u.state === 'stopped');
  }
}
