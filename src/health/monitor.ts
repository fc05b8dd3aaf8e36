import type { ProbeSpec, UnitSpec } from '../config/spec.js';
import { logMatcher, type LogMatcher } from '../config/log-pattern.js';
import type { OutputBatch, ProbeResult } from '../events/types.js';
import type { OutputSink } from '../events/sink.js';
import type { UnitRow } from '../events/unit-row.js';
import type { Clock } from '../base/clock.js';
import type { OneShotRunner } from '../runtime/one-shot.js';
import { checkFor } from './checks.js';
import { ProbeAnswers } from './answers.js';
import { ProbeRunner, type CheckResult } from './probe-runner.js';
import { shownTarget, type CheckKind } from './target.js';

/** Where verdicts go, each naming the run of the unit it was reached for. */
export interface HealthTarget {
  markReady(name: string, run: number): void;
  markUnhealthy(name: string, reason: string, run: number): void;
}

/** The latest answers of each unit's probes, as `ps --json` shows them. */
export interface ProbeResults {
  results(unit: string): readonly ProbeResult[];
}

/**
 * Adds `probes` to the `ps --json` rows of units with probes (`[]` before a first answer); other
 * rows, and all rows when there are no `results`, stay as they are.
 */
export function withProbes(units: readonly UnitSpec[], results: ProbeResults | undefined): (row: UnitRow) => UnitRow {
  const probed = new Set(units.filter(hasProbes).map((u) => u.name));
  return (row) => (results && probed.has(row.name) ? { ...row, probes: results.results(row.name) } : row);
}

/** Where each change of a probe's answer goes (the event bus, as a `probe` event). */
export type ProbePublisher = (unit: string, result: ProbeResult) => void;

/** Whether the monitor runs a probe of this unit (readiness other than `notify`, or liveness): the units `ps --json` gives `probes`. */
export function hasProbes(unit: UnitSpec): boolean {
  const { readiness, liveness } = unit.health;
  return (readiness !== undefined && readiness.check.kind !== 'notify') || liveness !== undefined;
}

interface Probes {
  /** The run of the unit these probes watch. */
  run: number;
  /** Their latest answers. */
  answers: ProbeAnswers;
  readiness?: ProbeRunner;
  liveness?: ProbeRunner;
  /** A `log:` readiness probe waiting for its line, and its target as shown (`log /ready/`). */
  logPattern?: LogMatcher;
  logTarget?: string;
}

/** The reason a failing liveness probe gives (`liveness probe failed 3 times: GET http://…: HTTP 503`). */
function livenessReason(spec: ProbeSpec, last: CheckResult): string {
  const what = last.timedOut ? `no answer within ${spec.timeoutMs}ms` : `${shownTarget(spec.check)}: ${last.detail}`;
  return `liveness probe failed ${spec.failureThreshold} times: ${what}`;
}

/**
 * Runs each unit's probes while its process runs: readiness until it first passes (a `log` probe
 * watches the unit's output instead of polling), liveness for as long as the process lives.
 * Verdicts go to the supervisor with the run they were reached for; the supervisor drops those
 * of an earlier run or of a process that has exited. The monitor never touches a process: `exec`
 * probes run through the one-shot runner it is given.
 *
 * Each answer is kept (a few per probe, repeats folded: `results`) until the unit's next run
 * starts; the first answer of each probe in a run, and each change, goes to `publish`.
 */
export class HealthMonitor implements ProbeResults {
  readonly #probes = new Map<string, Probes>();
  /** The answers of each unit's current or last run. */
  readonly #answers = new Map<string, ProbeAnswers>();

  constructor(
    private readonly clock: Clock,
    private readonly target: HealthTarget,
    private readonly runOneShot: OneShotRunner,
    private readonly publish: ProbePublisher = () => {},
  ) {}

  /** The latest answers of the unit's current (or last) run: readiness's, then liveness's, each oldest first. */
  results(unit: string): readonly ProbeResult[] {
    return this.#answers.get(unit)?.list() ?? [];
  }

  /** Records an answer of a probe of the unit's run `p`, and publishes it when it is a change. */
  #answer(name: string, p: Probes, probe: ProbeResult['probe'], check: CheckKind, target: string, r: CheckResult): void {
    if (this.#probes.get(name) !== p) return;
    const at = new Date(this.clock.wallNow()).toISOString();
    const detail = r.where === undefined ? r.detail : `${r.detail} ${r.where}`;
    const entry = p.answers.add({ probe, check, target, ok: r.ok, detail, at });
    if (entry) this.publish(name, entry);
  }

  /** Starts the probes of a unit whose process (run number `run`) has just spawned. */
  unitRunning(unit: UnitSpec, run: number): void {
    this.#stop(unit.name);
    const probes: Probes = { run, answers: new ProbeAnswers() };
    this.#answers.set(unit.name, probes.answers);
    const { readiness, liveness } = unit.health;
    if (readiness) {
      const check = checkFor(unit, readiness.check, this.runOneShot);
      const kind = readiness.check.kind;
      if (kind === 'log') {
        probes.logPattern = this.#pattern(readiness.check.pattern);
        probes.logTarget = shownTarget(readiness.check);
      } else if (check && kind !== 'notify') {
        const shown = shownTarget(readiness.check);
        probes.readiness = new ProbeRunner({
          spec: readiness,
          clock: this.clock,
          check,
          stopWhenOk: true,
          onAnswer: (r) => this.#answer(unit.name, probes, 'readiness', kind, shown, r),
          onVerdict: (v) => {
            if (v === 'ok' && this.#probes.get(unit.name) === probes) this.target.markReady(unit.name, run);
          },
        });
      }
    }
    if (liveness) {
      const check = checkFor(unit, liveness.check, this.runOneShot);
      const kind = liveness.check.kind;
      if (check && kind !== 'notify' && kind !== 'log') {
        const shown = shownTarget(liveness.check);
        probes.liveness = new ProbeRunner({
          spec: liveness,
          clock: this.clock,
          check,
          stopWhenOk: false,
          onAnswer: (r) => this.#answer(unit.name, probes, 'liveness', kind, shown, r),
          onVerdict: (v, last: CheckResult) => {
            if (v === 'failing' && this.#probes.get(unit.name) === probes) {
              this.target.markUnhealthy(unit.name, livenessReason(liveness, last), run);
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
            this.#answer(batch.unit, p, 'readiness', 'log', p.logTarget ?? 'log', { ok: true, detail: 'a line matched' });
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
