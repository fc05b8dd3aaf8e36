// Where a CI report reads its facts: the project this procs runs (`procs run`), or the project a
// daemon runs, asked over its control socket (`up --wait`). The same questions either way.
import { join } from 'node:path';
import type { ControlApi } from '../control/api.js';
import { readLastRun } from '../events/read.js';
import type { ProcsEvent } from '../events/types.js';
import type { UnitRow } from '../events/unit-row.js';
import { readLogTail, type LogLine } from '../output/log-read.js';
import type { Why } from '../output/why.js';
import { toRow } from './rows.js';
import type { Project } from './project.js';
import { explainProject, explainRunning } from './why.js';

export interface ReportSource {
  /** Every unit now, as `ps --json` shows it. */
  rows(): Promise<readonly UnitRow[]>;
  /** This run's events, its `start` event first. */
  events(): Promise<readonly ProcsEvent[]>;
  /** The units' last lines as the project keeps them (it has read them all before it says a unit ended). */
  lastLines(units: readonly string[]): Promise<ReadonlyMap<string, readonly string[]>>;
  /** A unit's last `n` log lines of this run (from `sinceMs`, epoch ms), as log lines: time, stream, text. */
  logTail(unit: string, n: number, sinceMs: number | undefined): Promise<readonly string[]>;
  /** `procs why` of the named units. */
  why(names: readonly string[]): Promise<readonly Why[]>;
}

/** A log line as the unit log holds it. */
function logLineText(l: LogLine): string {
  const stream = l.stream === 'stderr' ? (l.step !== undefined ? `err:${l.step + 1}` : 'err') : 'out';
  return l.ts === '' ? l.text : `${l.ts} ${stream} ${l.text}`;
}

async function logTail(logs: string, unit: string, n: number, sinceMs: number | undefined): Promise<readonly string[]> {
  return (await readLogTail(logs, unit, n, undefined, sinceMs)).map(logLineText);
}

/** The facts of the project this procs runs. */
export function projectSource(project: Project): ReportSource {
  const logs = join(project.procsDir, 'logs');
  return {
    rows: () => Promise.resolve(project.supervisor.status().map(toRow)),
    events: () => Promise.resolve(project.recent.list()),
    lastLines: (units) => Promise.resolve(new Map(units.map((u) => [u, project.tail.lines(u).map((l) => l.text)]))),
    async logTail(unit, n, sinceMs) {
      // The log files are written behind: wait until they hold every line read so far.
      await project.logsWritten();
      return logTail(logs, unit, n, sinceMs);
    },
    why: (names) => explainProject(project, names),
  };
}

/** The facts of a project a daemon runs, asked on its socket; its events and logs read from `procsDir`. */
export function runningSource(api: ControlApi, procsDir: string, files: readonly string[]): ReportSource {
  return {
    rows: async () => (await api.status()).units,
    events: async () => (await readLastRun(procsDir)).events,
    async lastLines(units) {
      if (units.length === 0) return new Map();
      const { units: tails } = await api.tail(units);
      return new Map(tails.map((t) => [t.unit, t.lines.map((l) => l.text)]));
    },
    logTail: (unit, n, sinceMs) => logTail(join(procsDir, 'logs'), unit, n, sinceMs),
    why: (names) => explainRunning(files, names),
  };
}
