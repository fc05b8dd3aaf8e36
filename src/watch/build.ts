// A watch rule's `run` step: one process group named after the rule, its output flowing into
// the same sink as every unit's (`api-build | …`), ended as a value, stoppable on shutdown.
import type { Command, ProcessUnit, WatchRule } from '../config/spec.js';
import type { ExitInfo } from '../events/types.js';
import type { Clock } from '../base/clock.js';
import type { ProcessDriver } from '../runtime/driver.js';

/** How a build is stopped when procs stops: the usual signal, then SIGKILL. */
const BUILD_STOP = { signal: 'SIGTERM', timeoutMs: 5000 } as const;

/** How long the last output lines may lag behind the exit (a leftover child may hold the pipe). */
const DRAIN_MS = 1000;

export interface BuildRun {
  /** The pid of the command's process (undefined when it could not be spawned). */
  readonly pid: number | undefined;
  /** Resolves with the exit once the group is empty and the output is in the sink; never rejects. */
  readonly done: Promise<ExitInfo>;
  /** Stops the build's whole tree (SIGTERM, SIGKILL after 5s); resolves once it is gone. */
  stop(): Promise<void>;
}

// Resolves once `p` settles or `ms` have passed, whichever is first.
function atMost(p: Promise<void>, ms: number, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    const t = clock.setTimer(ms, resolve);
    void p.then(() => {
      t.cancel();
      resolve();
    });
  });
}

// The `run` step as a one-shot process unit named after the rule, for the driver to start.
function buildUnit(rule: WatchRule, command: Command): ProcessUnit {
  return {
    name: rule.name,
    kind: 'process',
    cwd: rule.cwd,
    env: rule.env,
    dependsOn: [],
    command,
    health: {},
    hash: rule.name,
    restart: { policy: 'never', maxRestarts: 0, backoff: { initialMs: 0, factor: 1, maxMs: 0 }, resetAfterMs: 0, successCodes: [0] },
    stop: BUILD_STOP,
    log: { maxSizeBytes: 0, keep: 0 },
  };
}

/**
 * Runs a rule's `run` command once, through `driver` (the project's processes: its output goes
 * into the same sink as every unit's).
 */
export function startBuild(rule: WatchRule, driver: ProcessDriver, clock: Clock): BuildRun {
  const command = rule.run;
  if (command === undefined) throw new Error(`watch rule ${rule.name} has no run command`);
  const unit = buildUnit(rule, command);
  const run = driver.start(unit);
  let stopping: Promise<void> | undefined;
  const done = run.exited.then(async (exit) => {
    // Whatever the build left running in its group is not wanted: a build is a one-shot step.
    if (stopping === undefined && run.pid !== undefined) await driver.settle(unit, run);
    await atMost(run.outputDone, DRAIN_MS, clock);
    return exit;
  });
  return {
    pid: run.pid,
    done,
    stop: async () => {
      stopping ??= driver.stop(unit, run).then(() => undefined);
      await stopping;
      await done;
    },
  };
}
