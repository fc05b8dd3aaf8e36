// Exit codes of procs itself, as the contract names them, and the one place that maps a failure
// to its code: a usage error, or a control request that failed (usage and spec problems changed
// nothing: 2; anything else: 1). What is not mapped here is an internal error (70).
import { ControlError } from '../control/api.js';
import { UsageError } from './usage-error.js';

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  internal: 70,
} as const;

/** procs' exit code for a failure; undefined for one that is not expected (an internal error). */
export function exitCodeOf(err: unknown): number | undefined {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof ControlError) {
    const usage = err.code === 'unknown-unit' || err.code === 'bad-request' || err.code === 'too-large' || err.code === 'spec-error';
    return usage ? EXIT.usage : EXIT.failed;
  }
  return undefined;
}
