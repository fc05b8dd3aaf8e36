import type { UnitSpec } from '../config/spec.js';
import type { OutputBatch } from '../events/types.js';
import type { OutputSink } from '../output/sink.js';
import type { Clock } from '../runtime/clock.js';
import { checkFor } from './checks.js';
import { ProbeRunner, type CheckResult } from './probe-runner.js';

export interface HealthTarget {
  markReady(name: string): void;
  markUnhealthy(name: string, reason: string): void;
}

interface Probes {
  readiness?: ProbeRunner;
  liveness?: ProbeRunner;
  /** A `log:` readiness probe waiting for its line. */
  logPattern?: RegExp;
}

/**
 * Runs each unit's probes while it runs: readiness until it first passes (a `log` probe watches
 * the unit's output instead of polling), liveness for as long as the unit lives. Verdicts go to
 * the supervisor; the monitor itself never touches a process.
 */
export class HealthMonitor {
  readonly #probes = new Map<string, Probes>();

  constructor(
    private readonly clock: Clock,
    private readonly target: HealthTarget,
  ) {}

  /** Starts the probes of a unit that has just spawned. */
  unitRunning(unit: UnitSpec): void {
    this.unitEnded(unit);
    const probes: Probes = {};
    const { readiness, liveness } = unit.health;
    if (readiness) {
      const check = checkFor(unit, readiness.check);
      if (readiness.check.kind === 'log') probes.logPattern = new RegExp(readiness.check.pattern);
      else if (check) {
        probes.readiness = new ProbeRunner({
          spec: readiness,
          clock: this.clock,
          check,
          stopWhenOk: true,
          onVerdict: (v) => {
            if (v === 'ok') this.target.markReady(unit.name);
          },
        });
      }
    }
    if (liveness) {
      const check = checkFor(unit, liveness.check);
      if (check) {
        probes.liveness = new ProbeRunner({
          spec: liveness,
          clock: this.clock,
          check,
          stopWhenOk: false,
          onVerdict: (v, last: CheckResult) => {
            if (v === 'failing') this.target.markUnhealthy(unit.name, `liveness probe failed ${liveness.failureThreshold} times: ${last.detail}`);
          },
        });
      }
    }
    this.#probes.set(unit.name, probes);
    probes.readiness?.start();
    probes.liveness?.start();
  }

  /** Stops the probes of a unit that has ended or is being stopped. */
  unitEnded(unit: UnitSpec): void {
    const p = this.#probes.get(unit.name);
    if (!p) return;
    p.readiness?.stop();
    p.liveness?.stop();
    this.#probes.delete(unit.name);
  }

  stopAll(): void {
    for (const p of this.#probes.values()) {
      p.readiness?.stop();
      p.liveness?.stop();
    }
    this.#probes.clear();
  }

  /** An output sink that passes `log:` readiness probes when a line of the unit matches. */
  logSink(): OutputSink {
    return {
      write: (batch: OutputBatch) => {
        const p = this.#probes.get(batch.unit);
        const re = p?.logPattern;
        if (!p || !re) return true;
        for (const line of batch.text.split('\n')) {
          if (re.test(line)) {
            p.logPattern = undefined;
            this.target.markReady(batch.unit);
            break;
          }
        }
        return true;
      },
      onceDrain: (fn) => fn(),
    };
  }
}
