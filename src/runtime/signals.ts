// Signal names and numbers, and the exit value every run ends with: a code, or a signal with the
// status a shell would report (128+N).
import { constants } from 'node:os';
import type { ExitInfo } from '../events/types.js';

const byName: Readonly<Record<string, number>> = constants.signals;
const byNumber = new Map<number, NodeJS.Signals>();
for (const [name, num] of Object.entries(byName)) {
  // Several names share a number (SIGIOT = SIGABRT, SIGPOLL = SIGIO): the first listed wins.
  if (!byNumber.has(num)) byNumber.set(num, name as NodeJS.Signals);
}

// Whether `name` is a signal this platform knows, such as `SIGTERM`.
export function isSignalName(name: string): name is NodeJS.Signals {
  return Object.hasOwn(byName, name);
}

// The number of a signal name, or undefined for an unknown name.
export function signalNumber(name: string): number | undefined {
  return isSignalName(name) ? byName[name] : undefined;
}

// The name of a signal number, or undefined for an unknown number.
export function signalName(num: number): NodeJS.Signals | undefined {
  return byNumber.get(num);
}

// The status a shell reports for a process killed by `signal`: 128+N.
export function signalStatus(signal: string): number {
  return 128 + (signalNumber(signal) ?? 0);
}

// The ExitInfo of a process that ran and ended with `code` or died of `signal`.
export function exitInfo(code: number | null, signal: string | null, durationMs: number): ExitInfo {
  if (signal !== null) return { code: null, signal, status: signalStatus(signal), durationMs };
  return { code: code ?? 0, signal: null, status: code ?? 0, durationMs };
}

// The ExitInfo of a run that could not start: `status` 127 (not found) or 126 (not executable).
export function spawnFailure(error: string, status: number, durationMs: number): ExitInfo {
  return { code: null, signal: null, status, durationMs, error };
}

// One phrase for how a run ended: `exited with code 1`, `exited with signal SIGKILL (137)`, or
// the spawn error; the words output/format.ts uses for an exit, so that a reason built on it
// (`…; gave up after 5 restarts`) is shown without saying how the run ended twice.
export function describeExit(exit: ExitInfo): string {
  if (exit.error !== undefined) return exit.error;
  if (exit.signal !== null) return `exited with signal ${exit.signal} (${exit.status})`;
  return `exited with code ${exit.code ?? exit.status}`;
}
