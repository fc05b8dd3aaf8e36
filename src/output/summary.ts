// The lines printed when procs exits, one per unit that did not end cleanly:
//
//   api  failed: exited with code 1 after 5 restarts
//   db   killed with SIGKILL after its stop timeout (10s)
//   web  skipped: dependency db failed
//
// Completed units and units stopped on request (in time) ended cleanly and are not listed.

import type { ExitInfo, UnitState } from '../events/types.js';
import { sgr } from './colors.js';
import { describeExit } from '../events/exit.js';
import { type FactsOf, killedText } from './phrases.js';

/** How a unit ended, as the supervisor reports it at the end. */
export interface UnitOutcome {
  readonly name: string;
  readonly state: UnitState;
  readonly exit?: ExitInfo | null;
  readonly reason?: string | null;
  /** Killed with SIGKILL: after its stop timeout, or (`atOnce`) with every unit at once. */
  readonly forced?: boolean;
  readonly atOnce?: boolean;
  readonly restarts?: number;
}

export interface SummaryOptions {
  readonly color?: boolean;
  /** Spec facts, for the stop timeout of a unit that had to be killed. */
  readonly facts?: FactsOf;
}

/** Whether a unit needs no line: it completed, or stopped on request without being killed. */
export function endedCleanly(unit: UnitOutcome): boolean {
  if (unit.state === 'failed' || unit.state === 'skipped') return false;
  return !(unit.state === 'stopped' && unit.forced === true);
}

/** What went wrong with one unit, or undefined when it ended cleanly. */
function describeOutcome(unit: UnitOutcome, facts?: FactsOf): string | undefined {
  if (endedCleanly(unit)) return undefined;
  if (unit.state === 'skipped') return `skipped: ${unit.reason ?? 'a dependency failed'}`;
  if (unit.state === 'stopped') {
    return killedText(unit.atOnce, facts?.(unit.name)?.stopTimeoutMs);
  }
  const restarts = unit.restarts ?? 0;
  const after = restarts > 0 ? ` after ${restarts} ${restarts === 1 ? 'restart' : 'restarts'}` : '';
  if (unit.exit?.error !== undefined) return `failed: ${unit.exit.error}${after}`;
  if (unit.exit) return `failed: ${describeExit(unit.exit)}${after}`;
  return `failed: ${unit.reason ?? 'unknown reason'}${after}`;
}

/** One line per unit that did not end cleanly, names padded to the longest listed. */
export function summaryLines(units: readonly UnitOutcome[], options: SummaryOptions = {}): string[] {
  const rows: [string, string][] = [];
  for (const unit of units) {
    const text = describeOutcome(unit, options.facts);
    if (text !== undefined) rows.push([unit.name, text]);
  }
  const width = Math.max(0, ...rows.map(([name]) => name.length));
  return rows.map(([name, text]) => {
    const padded = name.padEnd(width);
    if (!options.color) return `${padded}  ${text}`;
    const color = text.startsWith('skipped') ? sgr.yellow : sgr.red;
    return `${sgr.bold}${padded}${sgr.reset}  ${color}${text}${sgr.reset}`;
  });
}
