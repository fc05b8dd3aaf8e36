// What happens after a run ends: restart after a delay, or end for good. A pure function of the
// restart spec, the unit's bookkeeping, the exit, a time value and why the run ended.
import type { RestartSpec } from '../config/spec.js';
import type { ExitInfo } from '../events/types.js';
import { describeExit } from '../events/exit.js';

/** Everything a restart decision depends on: data and a time value, nothing else. */
export interface RestartInput {
  readonly restart: RestartSpec;
  /** Restarts so far in the current series (the series resets after a long enough run). */
  readonly restarts: number;
  /** When the run that just ended started, on the same clock as `now`. */
  readonly startedAt: number;
  readonly now: number;
  readonly exit: ExitInfo;
  readonly cause: EndCause;
  /** Why, when `cause` is `post_start`: `post_start hook exited with code 3`. */
  readonly why?: string;
}

/** Why a run ended: on its own, killed for a failing liveness probe or post_start hook, or stopped on request. */
export type EndCause = 'exit' | 'liveness' | 'post_start' | 'stop-requested';

export type RestartDecision =
  | { readonly kind: 'restart'; readonly delayMs: number; readonly attempt: number }
  | { readonly kind: 'completed' }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'stopped' };

// Whether a run succeeded: it exited by itself with one of the success codes.
function isSuccess(spec: RestartSpec, exit: ExitInfo, cause: EndCause): boolean {
  return cause === 'exit' && exit.error === undefined && exit.code !== null && spec.successCodes.includes(exit.code);
}

// The delay before restart number `attempt` (1-based): initial × factor^(attempt-1), capped.
export function backoffDelay(spec: RestartSpec, attempt: number): number {
  const { initialMs, factor, maxMs } = spec.backoff;
  const delay = initialMs * Math.pow(factor, Math.max(0, attempt - 1));
  return Math.min(maxMs, Number.isFinite(delay) ? delay : maxMs);
}

// How the run ended, in words, for reasons.
function endReason(exit: ExitInfo, cause: EndCause, why?: string): string {
  if (cause === 'post_start') return why ?? 'post_start hook failed';
  return cause === 'liveness' ? 'liveness probe failed' : describeExit(exit, false);
}

// Decides what follows the end of a run.
export function decideAfterExit(input: RestartInput): RestartDecision {
  const { restart: spec, exit, cause } = input;
  if (cause === 'stop-requested') return { kind: 'stopped' };
  // A unit that could not be spawned is failed: retrying a missing binary changes nothing.
  if (exit.error !== undefined) return { kind: 'failed', reason: exit.error };
  const success = isSuccess(spec, exit, cause);
  if (spec.policy === 'never' || (spec.policy === 'on-failure' && success)) {
    return success ? { kind: 'completed' } : { kind: 'failed', reason: endReason(exit, cause, input.why) };
  }
  const restarts = input.now - input.startedAt >= spec.resetAfterMs ? 0 : input.restarts;
  if (restarts >= spec.maxRestarts) {
    const plural = restarts === 1 ? '' : 's';
    return { kind: 'failed', reason: `${endReason(exit, cause, input.why)}; gave up after ${restarts} restart${plural}` };
  }
  const attempt = restarts + 1;
  return { kind: 'restart', delayMs: backoffDelay(spec, attempt), attempt };
}
