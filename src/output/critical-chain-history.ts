// Startup times across runs: each unit's own time to up in its last runs (`.procs/startup.json`),
// and the units that came up much slower than usual. Pure: the times are handed in.
import type { StartupAnalysis, UnitStartup } from './critical-chain.js';
import { formatDuration } from './format.js';

/** How many runs are kept per unit. */
export const HISTORY_LIMIT = 10;
/** A unit is slow when it took more than its median times this. */
export const SLOW_FACTOR = 1.5;
/** The fewest previous runs a median is taken of. */
export const MIN_PREVIOUS = 3;

/** One run of a unit: when the run started (its `start` event, ISO-8601) and the unit's own time. */
export interface StartupSample {
  readonly at: string;
  readonly ms: number;
}

/** The file's content: per unit, its last runs, oldest first. */
export interface StartupHistory {
  readonly version: 1;
  readonly units: Readonly<Record<string, readonly StartupSample[]>>;
}

export const EMPTY_HISTORY: StartupHistory = { version: 1, units: {} };

/** The history read back from text; an empty one for anything that is not one. */
export function parseHistory(text: string | undefined): StartupHistory {
  if (text === undefined) return EMPTY_HISTORY;
  try {
    const v = JSON.parse(text) as { version?: unknown; units?: unknown };
    if (v.version !== 1 || typeof v.units !== 'object' || v.units === null) return EMPTY_HISTORY;
    const units: Record<string, StartupSample[]> = {};
    for (const [name, list] of Object.entries(v.units as Record<string, unknown>)) {
      if (!Array.isArray(list)) continue;
      units[name] = list.filter(
        (s): s is StartupSample =>
          typeof s === 'object' && s !== null && typeof (s as StartupSample).at === 'string' && Number.isFinite((s as StartupSample).ms),
      );
    }
    return { version: 1, units };
  } catch {
    return EMPTY_HISTORY;
  }
}

/**
 * The history with a run's times added (each unit that was up, once per run), each unit's last
 * `limit` runs kept, and units not in `known` (the spec's) dropped.
 */
export function addRun(history: StartupHistory, run: StartupAnalysis, known: ReadonlySet<string>, limit = HISTORY_LIMIT): StartupHistory {
  const units: Record<string, StartupSample[]> = {};
  for (const [name, list] of Object.entries(history.units)) if (known.has(name)) units[name] = [...list];
  const at = run.startedAt;
  if (at !== null) {
    for (const r of run.units) {
      if (r.tookMs === null || !known.has(r.unit)) continue;
      const list = (units[r.unit] ?? []).filter((s) => s.at !== at);
      list.push({ at, ms: r.tookMs });
      units[r.unit] = list;
    }
  }
  for (const name of Object.keys(units)) units[name] = units[name]!.slice(-limit);
  return { version: 1, units };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A unit that came up more than 50 % slower than its median. */
export interface SlowUnit {
  readonly unit: string;
  readonly how: UnitStartup['how'];
  readonly tookMs: number;
  readonly medianMs: number;
  /** How much slower, in percent: 80 for 1.8 times the median. */
  readonly slowerPercent: number;
  /** How many previous runs the median is of. */
  readonly runs: number;
}

/**
 * The units of `run` that took more than 1.5 times their median over the previous runs in
 * `history` (those not started at `run.startedAt`), when there are at least 3, and by 50 ms at least.
 */
/** Below this many milliseconds over its median a unit is never flagged. */
const MIN_SLOWER_MS = 50;

export function slowUnits(run: StartupAnalysis, history: StartupHistory): SlowUnit[] {
  const out: SlowUnit[] = [];
  for (const r of run.units) {
    if (r.tookMs === null) continue;
    const previous = (history.units[r.unit] ?? []).filter((s) => s.at !== run.startedAt).map((s) => s.ms);
    if (previous.length < MIN_PREVIOUS) continue;
    const m = median(previous);
    // A few milliseconds more is timer noise, not a slow start (a unit up at once has a median near 0).
    if (r.tookMs <= m * SLOW_FACTOR || r.tookMs - m < MIN_SLOWER_MS) continue;
    const slowerPercent = m > 0 ? Math.round(((r.tookMs - m) / m) * 100) : Infinity;
    out.push({ unit: r.unit, how: r.how, tookMs: r.tookMs, medianMs: m, slowerPercent, runs: previous.length });
  }
  return out;
}

/** `api ready in 3.1s, 80 % slower than its median 1.7s (last 5 starts)` */
export function slowText(s: SlowUnit): string {
  const how = s.how === 'completed' ? 'completed' : s.how === 'running' ? 'running' : 'ready';
  const pct = Number.isFinite(s.slowerPercent) ? `${s.slowerPercent} % slower` : 'slower';
  return `${s.unit} ${how} in ${formatDuration(s.tookMs)}, ${pct} than its median ${formatDuration(s.medianMs)} (last ${s.runs} starts)`;
}
