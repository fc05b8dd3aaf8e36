// The last run's startup after the fact, for `procs why --startup`: its events from
// `.procs/events.ndjson`, analysed against the spec, with the units slower than usual.
import { join } from 'node:path';
import type { Spec } from '../config/spec.js';
import { readLastRun } from '../events/read.js';
import { slowUnits, type SlowUnit } from '../output/critical-chain-history.js';
import { analyzeStartup, type StartupAnalysis } from '../output/critical-chain.js';
import { readStartupHistory } from './startup-history.js';

export interface LastStartup {
  readonly analysis: StartupAnalysis;
  readonly slow: readonly SlowUnit[];
  /** Whether the run's `start` event was found. */
  readonly complete: boolean;
}

/** The last run's startup; undefined when the project has no events yet. */
export async function lastStartup(spec: Spec): Promise<LastStartup | undefined> {
  const { events, complete } = await readLastRun(join(spec.root, '.procs'));
  if (events.length === 0) return undefined;
  const analysis = analyzeStartup(events, spec.units);
  return { analysis, slow: slowUnits(analysis, readStartupHistory(spec.root)), complete };
}
