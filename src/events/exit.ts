// How a run ended, as a number and in words: the one place that computes the status a shell
// reports for a signal (128+N) and that puts an exit into words. Everything that shows an exit
// (events text, summaries, `procs ps`, wait failures, restart reasons) takes it from here.
import { constants } from 'node:os';
import type { ExitInfo } from './types.js';

const SIGNALS: Readonly<Record<string, number>> = constants.signals;

/** The number of a signal name (`SIGTERM` → 15), or undefined for a name this platform does not know. */
export function signalNumber(name: string): number | undefined {
  return Object.hasOwn(SIGNALS, name) ? SIGNALS[name] : undefined;
}

/** The status a shell reports for a process killed by `signal`: 128+N. */
export function signalStatus(signal: string): number {
  return 128 + (signalNumber(signal) ?? 0);
}

/** The status a shell reports for a process that ended with `code` or died of `signal`. */
export function exitStatus(code: number | null, signal: string | null): number {
  return signal !== null ? signalStatus(signal) : (code ?? 0);
}

/** A signal with the status a shell reports for it, `SIGKILL (137)`; the name alone when unknown. */
export function signalWithStatus(signal: string): string {
  return signalNumber(signal) === undefined ? signal : `${signal} (${signalStatus(signal)})`;
}

/**
 * How a run ended, in words: `exited with code 1`, `exited with signal SIGKILL (137)`, or the
 * spawn error itself (`command not found: foo`). Pipelines name the step reported, unless
 * `withStep` is false (restart reasons leave it out).
 */
export function describeExit(exit: ExitInfo, withStep = true): string {
  if (exit.error !== undefined) return exit.error;
  const step = withStep && exit.step !== undefined ? ` (step ${exit.step + 1})` : '';
  if (exit.signal !== null) return `exited with signal ${exit.signal} (${exit.status})${step}`;
  return `exited with code ${exit.code ?? exit.status}${step}`;
}

/**
 * The short form a failed wait uses, from a code and a signal alone: `exited with code 3`,
 * `exited on SIGSEGV`, or `exited` when neither is known.
 */
export function describeExitBriefly(exit: { readonly code: number | null; readonly signal: string | null }): string {
  if (exit.code !== null) return `exited with code ${exit.code}`;
  return exit.signal ? `exited on ${exit.signal}` : 'exited';
}

/** How a hook ended, in words: `exited with code 3`, `timed out after 30s`. */
export function describeHookEnd(end: {
  readonly status?: number | null;
  readonly timedOut?: boolean;
  readonly canceled?: boolean;
  readonly failure?: string;
  readonly timeoutMs?: number;
}): string {
  if (end.failure !== undefined) return end.failure;
  if (end.timedOut) return end.timeoutMs === undefined ? 'timed out' : `timed out after ${end.timeoutMs / 1000}s`;
  if (end.canceled) return 'canceled';
  return `exited with code ${end.status ?? 0}`;
}
