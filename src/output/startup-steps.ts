// How one event moves a unit through its startup, in words: shared by the terminal task list
// and the CI view, so both tell the same story. Pure: a function of the unit, the event and time.
import type { UnitSpec } from '../config/spec.js';
import type { ProcsEvent } from '../events/types.js';
import { formatDuration } from './format.js';
import type { OutputSink } from '../events/sink.js';

export type StartupStep =
  | { readonly kind: 'progress'; readonly text: string }
  | { readonly kind: 'ok'; readonly text: string }
  | { readonly kind: 'fail'; readonly text: string; readonly reason: string }
  | { readonly kind: 'skip'; readonly text: string; readonly reason: string };

/** What each unit waits on before it can start, in words: `waiting for db (healthy)`. */
export function pendingText(unit: UnitSpec): string {
  if (unit.dependsOn.length === 0) return 'pending';
  return `waiting for ${unit.dependsOn.map((d) => `${d.name} (${d.condition})`).join(', ')}`;
}

/** Whether a unit counts as up once started: no readiness probe and not a one-shot step. */
function upOnSpawn(unit: UnitSpec): boolean {
  return !unit.health.readiness && unit.restart.policy !== 'never';
}

/** The startup step an event means for a unit that has not settled yet, if any. */
export function startupStep(unit: UnitSpec, e: ProcsEvent, tookMs: number): StartupStep | undefined {
  const took = formatDuration(tookMs);
  const name = unit.name;
  switch (e.type) {
    case 'spawn':
      return upOnSpawn(unit) ? { kind: 'ok', text: `${name}  running (pid ${e.pid}), up in ${took}` } : { kind: 'progress', text: `starting (pid ${e.pid})` };
    case 'ready':
      return { kind: 'ok', text: `${name}  ready in ${took}` };
    case 'backoff':
      return { kind: 'progress', text: `exited; restarting in ${formatDuration(e.delayMs)} (attempt ${e.attempt})` };
    case 'exit':
      return e.state === 'completed' ? { kind: 'ok', text: `${name}  completed in ${took}` } : undefined;
    case 'failed':
      return { kind: 'fail', text: `${name}  failed`, reason: e.reason };
    case 'stop':
      return e.state === 'skipped' ? { kind: 'skip', text: `${name}  skipped: ${e.reason}`, reason: e.reason } : undefined;
    default:
      return undefined;
  }
}

/** A view of the startup phase: it sees every event and holds output back until units settle. */
export interface StartupPhase {
  /** Subscribe to the bus; `passOn` prints a state line once the phase lets it through. */
  readonly event: (e: ProcsEvent, passOn: (e: ProcsEvent) => void) => void;
  /** Wraps the terminal's output sink. */
  gate(sink: OutputSink): OutputSink;
  /**
   * Before `run`: where a unit of a project that already runs stands (`procs up` attaching to
   * it): up already (`ok`), or a step of its startup under way.
   */
  preset(unit: string, step: StartupStep): void;
  /** Starts showing the phase for the units being started. */
  run(names: ReadonlySet<string>): Promise<void>;
  /** Ends the phase now (a stop was asked for). */
  end(): void;
  /** Resolves once everything held back has been written. */
  readonly ended: Promise<void>;
}
