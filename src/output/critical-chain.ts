// The startup of a run from its events: when each unit was spawned and up, and the critical chain
// (the units that decided the time to all-ready). Pure.
// (Being written: the signatures below are the ones other modules use.)
import type { UnitSpec } from '../config/spec.js';
import type { ProcsEvent } from '../events/types.js';

/** One unit's startup in a run; times in milliseconds from the run's `start` event. */
export interface UnitStartup {
  readonly unit: string;
  /** Its first spawn in the run; null when it never spawned. */
  readonly spawnedMs: number | null;
  /** When it was first up: ready, running (no readiness probe), completed (a one-shot step) or scheduled; null when never. */
  readonly upMs: number | null;
  /** Its own time: from its spawn to up. */
  readonly tookMs: number | null;
  readonly how: 'ready' | 'running' | 'completed' | 'scheduled' | null;
}

export interface StartupAnalysis {
  /** The run's `start` event time (ISO-8601), null when the events hold none. */
  readonly startedAt: string | null;
  /** From start until every unit started was up; null when one never was. */
  readonly allUpMs: number | null;
  readonly units: readonly UnitStartup[];
  /** The critical chain, first unit first. */
  readonly chain: readonly UnitStartup[];
}

export function analyzeStartup(_events: readonly ProcsEvent[], units: readonly UnitSpec[]): StartupAnalysis {
  return { startedAt: null, allUpMs: null, units: units.map((u) => ({ unit: u.name, spawnedMs: null, upMs: null, tookMs: null, how: null })), chain: [] };
}
