import type { UnitSpec } from '../config/spec.js';
import { logMatcher, type LogMatcher } from '../config/log-pattern.js';
import type { OutputBatch } from '../events/types.js';
import type { OutputSink } from '../events/sink.js';
import type { Clock } from '../base/clock.js';
import type { OneShotRunner } from '../runtime/one-shot.js';
import { checkFor } from './checks.js';
import { ProbeRunner, type CheckResult } from './probe-runner.js';

/** Where verdicts go, each naming the run of the unit it was reached for. */
export interface HealthTarget {
  markReady(name: string, run: number): void;
  markUnhealthy(name: string, reason: string, run: number): void;
}

interface Probes {
  /** The run of the unit these probes watch. */
  run: number;
  readiness?: ProbeRunner;
  liveness?: ProbeRunner;
  /** A `log:` readiness probe waiting for its line. */
  logPattern?: LogMatcher;
}

/**
 * Runs each unit's probes while its process runs: readiness until it first passes (a `log` probe
 * watches the unit's output instead of polling), liveness for as long as the process lives.
 * Verdicts go to the supervisor with the run they were reached for; the supervisor drops those
 * of an earlier run or of a process that has exited. The monitor never touches a process: `exec`
 * probes run through the one-shot runner it is given.
 */
export class HealthMonitor {
  readonly #probes = new Map<string, Probes>();

  constructor(
    private readonly clock: Clock,
    private readonly target: HealthTarget,
    private readonly runOneShot: OneShotRunner,
  ) {}

  /** Starts the probes of a unit whose process (run number `run`) has just spawned. */
  unitRunning(unit: UnitSpec, run: number): void {
    this.#stop(unit.name);
    const probes: Probes = { run };
    const { readiness, liveness } = unit.health;
    if (readiness) {
      const check = checkFor(unit, readiness.check, this.runOneShot);
      if (readiness.check.kind === 'log') probes.logPattern = this.#pattern(readiness.check.pattern);
      else if (check) {
        probes.readiness = new ProbeRunner({
          spec: readiness,
          clock: this.clock,
          check,
          stopWhenOk: true,
          onVerdict: (v) => {
            if (v === 'ok' && this.#probes.get(unit.name) === probes) this.target.markReady(unit.name, run);
          },
        });
      }
    }
    if (liveness) {
      const check = checkFor(unit, liveness.check, this.runOneShot);
      if (check) {
        probes.liveness = new ProbeRunner({
          spec: liveness,
          clock: this.clock,
          check,
          stopWhenOk: false,
          onVerdict: (v, last: CheckResult) => {
            if (v === 'failing' && this.#probes.get(unit.name) === probes) {
              this.target.markUnhealthy(unit.name, `liveness probe failed ${liveness.failureThreshold} times: ${last.detail}`, run);
            }
          },
        });
      }
    }
    this.#probes.set(unit.name, probes);
    probes.readiness?.start();
    probes.liveness?.start();
  }

  /** Stops the probes of a unit's run that has ended or is being stopped (any run when not given). */
  unitEnded(unit: UnitSpec, run?: number): void {
    const p = this.#probes.get(unit.name);
    if (p && (run === undefined || p.run === run)) this.#stop(unit.name);
  }

  stopAll(): void {
    for (const name of [...this.#probes.keys()]) this.#stop(name);
  }

  #stop(name: string): void {
    const p = this.#probes.get(name);
    if (!p) return;
    p.readiness?.stop();
    p.liveness?.stop();
    this.#probes.delete(name);
  }

  #pattern(text: string): LogMatcher {
    try {
      return logMatcher(text);
    } catch {
      // Validation rejects such a pattern; should one get here, it never matches.
      return { test: () => false };
    }
  }

  /**
   * An output sink that passes `log:` readiness probes when a line of the unit matches. Matching
   * is linear-time and looks at the first 16 KiB of a line at most (see log-pattern.ts).
   */
  logSink(): OutputSink {
    return {
      write: (batch: OutputBatch) => {
        const p = this.#probes.get(batch.unit);
        const re = p?.logPattern;
        if (!p || !re) return true;
        for (const line of batch.text.split('\n')) {
          if (re.test(line)) {
            p.logPattern = undefined;
            this.target.markReady(batch.unit, p.run);
            break;
          }
        }
        return true;
      },
      onceDrain: (fn) => fn(),
    };
  }
}
