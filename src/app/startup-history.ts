// `.procs/startup.json`: each unit's own time to up over its last runs. Read when a run begins
// (the runs before it, for the slow flags), written whole once the run's startup has settled:
// every unit started is up (ready, running without a readiness probe, completed for a one-shot
// step, scheduled). A startup in which a unit fails or is skipped is not recorded.
import type { UnitSpec } from '../config/spec.js';
import { readRegularSync, writeRegularSync } from '../events/regular-file.js';
import type { ProcsEvent, UnitState } from '../events/types.js';
import { addRun, EMPTY_HISTORY, parseHistory, type StartupHistory } from '../output/critical-chain-history.js';
import { analyzeStartup } from '../output/critical-chain.js';
import { projectPaths } from '../rundir/paths.js';

/** The history of the project whose spec folder is `root`; empty when there is none or it cannot be read. */
export function readStartupHistory(root: string): StartupHistory {
  try {
    return parseHistory(readRegularSync(projectPaths(root).startup, 256 * 1024));
  } catch {
    return EMPTY_HISTORY;
  }
}

/** Writes the history whole (a new file renamed into place, never through a link). */
export function writeStartupHistory(root: string, history: StartupHistory): void {
  writeRegularSync(projectPaths(root).startup, `${JSON.stringify(history)}\n`);
}

/** What the recorder reads from the running project. */
export interface RecorderSource {
  /** The spec folder. */
  readonly root: string;
  readonly units: () => readonly UnitSpec[];
  /** Each unit's state (as its status row shows it). */
  readonly states: () => readonly { readonly name: string; readonly state: UnitState }[];
  /** This run's events, its `start` event first. */
  readonly events: () => readonly ProcsEvent[];
  readonly onError: (e: Error) => void;
  /** Runs a check after this turn of the event loop (setImmediate unless a test gives another). */
  readonly defer?: (check: () => void) => void;
}

type Verdict = 'waiting' | 'settled' | 'never';

/** Whether the startup has settled, from each unit's state; `never` once a unit failed or was skipped. */
export function startupVerdict(units: readonly UnitSpec[], rows: readonly { readonly name: string; readonly state: UnitState }[]): Verdict {
  const byName = new Map(units.map((u) => [u.name, u]));
  let up = 0;
  for (const r of rows) {
    const spec = byName.get(r.name);
    if (!spec || r.state === 'stopped' || r.state === 'inactive') continue;
    if (r.state === 'failed' || r.state === 'skipped') return 'never';
    const oneShot = spec.restart.policy === 'never';
    const isUp = r.state === 'completed' || r.state === 'ready' || r.state === 'scheduled' || (r.state === 'running' && !spec.health.readiness && !oneShot);
    if (!isUp) return 'waiting';
    up++;
  }
  return up > 0 ? 'settled' : 'waiting';
}

/** Records the run's startup times once, when its startup has settled. */
export class StartupRecorder {
  readonly #s: RecorderSource;
  #previous: StartupHistory | undefined;
  #armed = false;
  #done = false;
  /** A check of the startup's state is due after this turn. */
  #due = false;

  constructor(source: RecorderSource) {
    this.#s = source;
  }

  /** The run begins: the history so far is read (the runs before this one). */
  arm(): void {
    this.#previous = readStartupHistory(this.#s.root);
    this.#armed = true;
    this.#done = false;
  }

  /** The history before this run, once it began. */
  previous(): StartupHistory | undefined {
    return this.#previous;
  }

  /**
   * Subscribe to the bus after the run's recent events. The startup's state is looked at once
   * after the turn in which units changed, not at every event: starting N units in one turn
   * publishes N spawn events, and reading every unit's state at each made the start O(N²).
   */
  readonly event = (e: ProcsEvent): void => {
    if (!this.#armed || this.#done) return;
    if (e.unit === 'procs' && e.type === 'stop') {
      // A check still due sees the state before the stop.
      if (this.#due) this.#check();
      this.#done = true;
      return;
    }
    if (e.type !== 'spawn' && e.type !== 'ready' && e.type !== 'exit' && e.type !== 'failed' && e.type !== 'stop') return;
    if (this.#due) return;
    this.#due = true;
    (this.#s.defer ?? ((check) => void setImmediate(check)))(() => {
      if (this.#due) this.#check();
    });
  };

  // Whether the startup has settled now; records it once it has.
  #check(): void {
    this.#due = false;
    if (!this.#armed || this.#done) return;
    const units = this.#s.units();
    const verdict = startupVerdict(units, this.#s.states());
    if (verdict === 'waiting') return;
    this.#done = true;
    if (verdict === 'never') return;
    const run = analyzeStartup(this.#s.events(), units);
    if (run.allUpMs === null) return;
    try {
      writeStartupHistory(this.#s.root, addRun(this.#previous ?? EMPTY_HISTORY, run, new Set(units.map((u) => u.name))));
    } catch (err) {
      this.#s.onError(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
