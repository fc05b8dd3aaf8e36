import type { ProbeSpec } from '../config/spec.js';
import type { Clock, TimerHandle } from '../base/clock.js';
import { errorText } from './error-text.js';
import { durationText } from './target.js';

/** One attempt's answer: healthy or not, and what was seen, without the target (`HTTP 503`). */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail: string;
  /** Where a network failure happened (`127.0.0.1:3000`), when the target as shown names its host. */
  readonly where?: string;
  /** The check gave no answer within the probe's timeout (and was aborted). */
  readonly timedOut?: boolean;
}

/** Runs one real check; must give up when `signal` aborts. */
export type Check = (signal: AbortSignal) => Promise<CheckResult>;

export type ProbeVerdict = 'ok' | 'failing';

export interface ProbeRunnerOptions {
  readonly spec: ProbeSpec;
  readonly clock: Clock;
  readonly check: Check;
  /** Called when the verdict changes (first `ok` after enough successes, `failing` after enough misses). */
  readonly onVerdict: (verdict: ProbeVerdict, last: CheckResult) => void;
  /** Called with every answer, before any verdict it brings. */
  readonly onAnswer?: (answer: CheckResult) => void;
  /** Stop probing after the first `ok` (readiness) or keep going (liveness). */
  readonly stopWhenOk: boolean;
}

/**
 * Probe timing as a state machine on an injected clock: wait `initial_delay`, run a check with a
 * hard `timeout`, count consecutive successes and failures against the thresholds, report each
 * change of verdict, and run again `interval` after the previous check ended. One check at a time.
 */
export class ProbeRunner {
  readonly #o: ProbeRunnerOptions;
  #timer: TimerHandle | undefined;
  #abort: AbortController | undefined;
  #successes = 0;
  #failures = 0;
  #verdict: ProbeVerdict | undefined;
  #stopped = false;
  #checks = 0;

  constructor(options: ProbeRunnerOptions) {
    this.#o = options;
  }

  get checks(): number {
    return this.#checks;
  }

  get verdict(): ProbeVerdict | undefined {
    return this.#verdict;
  }

  start(): void {
    this.#schedule(this.#o.spec.initialDelayMs);
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#abort?.abort();
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = this.#o.clock.setTimer(ms, () => void this.#run());
  }

  async #run(): Promise<void> {
    if (this.#stopped) return;
    this.#checks += 1;
    const abort = new AbortController();
    this.#abort = abort;
    const result = await new Promise<CheckResult>((resolve) => {
      const timeout = this.#o.clock.setTimer(this.#o.spec.timeoutMs, () => {
        abort.abort();
        resolve({ ok: false, detail: `no answer within ${durationText(this.#o.spec.timeoutMs)}`, timedOut: true });
      });
      this.#o.check(abort.signal).then(
        (r) => {
          timeout.cancel();
          resolve(r);
        },
        (err: unknown) => {
          timeout.cancel();
          resolve({ ok: false, detail: `check failed: ${errorText(err)}` });
        },
      );
    });
    abort.abort();
    if (this.#stopped) return;
    this.#o.onAnswer?.(result);
    if (this.#stopped) return;
    this.#record(result);
    if (this.#stopped || (this.#o.stopWhenOk && this.#verdict === 'ok')) return;
    this.#schedule(this.#o.spec.intervalMs);
  }

  #record(result: CheckResult): void {
    if (result.ok) {
      this.#successes += 1;
      this.#failures = 0;
      if (this.#verdict !== 'ok' && this.#successes >= this.#o.spec.successThreshold) {
        this.#verdict = 'ok';
        this.#o.onVerdict('ok', result);
      }
    } else {
      this.#failures += 1;
      this.#successes = 0;
      if (this.#verdict !== 'failing' && this.#failures >= this.#o.spec.failureThreshold) {
        this.#verdict = 'failing';
        this.#o.onVerdict('failing', result);
      }
    }
  }
}
