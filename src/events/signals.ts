// Signal names and numbers, and the exit value every run ends with: a code, or a signal with the
// status a shell would report (128+N).
import { constants } from 'node:os';
import { signalStatus } from './exit.js';
import type { ExitInfo } from './types.js';

const byName: Readonly<Record<string, number>> = constants.signals;
const byNumber = new Map<number, NodeJS.Signals>();
for (const [name, num] of Object.entries(byName)) {
  // Several names share a number (SIGIOT = SIGABRT, SIGPOLL = SIGIO): the first listed wins.
  if (!byNumber.has(num)) byNumber.set(num, name as NodeJS.Signals);
}

// The name of a signal number, or undefined for an unknown number.
export function signalName(num: number): NodeJS.Signals | undefined {
  return byNumber.get(num);
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
