import type { Command, HookName, UnitSpec } from '../config/spec.js';
import type { ExitInfo } from '../events/types.js';

/** One run of a unit's process tree, as the supervisor sees it. */
export interface RunningProcess {
  readonly pid: number | undefined;
  /** Resolves when the leader exits (or could not be spawned); never rejects. */
  readonly exited: Promise<ExitInfo>;
  /** Resolves when every line of output has reached its sinks. */
  readonly outputDone: Promise<void>;
  /**
   * Calls `fn` once `pid` is known, when it comes later than the start (the spawner answers
   * through the event loop); reading `pid` before then waits for it. Without it, `pid` is known at once.
   */
  whenStarted?(fn: () => void): void;
}

/** A hook to run for a unit; runtime/hooks.ts decides when. */
export interface HookRequest {
  readonly hook: HookName;
  readonly command: Command;
  /** Its whole process group is killed this long after it started; the result is `timedOut`. */
  readonly timeoutMs: number;
  /** Variables it gets beyond the unit's env (on_failure's PROCS_FAILED_UNIT…). */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting kills its whole process group at once; the result is `canceled`. */
  readonly signal: AbortSignal;
}

/** How a hook ended: its status as a shell reports it, null when it was killed (then `timedOut` or `canceled`). */
export interface HookResult {
  readonly status: number | null;
  readonly timedOut: boolean;
  readonly canceled: boolean;
  /** Why it could not start. */
  readonly error?: string;
}

/**
 * The supervisor's only way to touch the OS. The real driver spawns each unit in a new
 * process group; tests pass a fake one and drive exits by hand.
 */
export interface ProcessDriver {
  start(unit: UnitSpec): RunningProcess;
  /** Stops the whole tree (stop signal, then SIGKILL after the timeout); resolves once it is gone. */
  stop(unit: UnitSpec, proc: RunningProcess): Promise<{ forced: boolean }>;
  /** Sends SIGKILL to the whole tree at once (a second Ctrl-C); the pending `stop` then resolves. */
  kill(unit: UnitSpec, proc: RunningProcess): void;
  /** After the leader exited on its own: clears what is left of its group; resolves once empty. */
  settle(unit: UnitSpec, proc: RunningProcess): Promise<void>;
  /**
   * Whether the leader is still alive right now (not exited, not a zombie), asked before a probe
   * result counts: its exit may not have been reported yet. Drivers that cannot tell leave it out.
   */
  alive?(proc: RunningProcess): boolean;
  /**
   * Runs one of a unit's hooks to its end, with the unit's env and cwd, in a process group of its
   * own; its output is the unit's, shown as `UNIT:HOOK`. Never rejects. Drivers without it run no hook.
   */
  runHook?(unit: UnitSpec, request: HookRequest): Promise<HookResult>;
}
