// The latest answers of a unit's probes for one run: what `ps --json` shows under `probes`.
import type { ProbeResult } from '../events/types.js';

/** Entries kept per probe: the latest few changes are what explains a unit's state. */
export const ANSWERS_PER_PROBE = 5;

type Probe = ProbeResult['probe'];

/**
 * The answers of one run of a unit's probes, a bounded list per probe: an answer equal to the
 * previous one (same `ok` and `detail`) folds into it (its `count` rises and `at` moves on), any
 * other starts an entry, and the oldest entries beyond `ANSWERS_PER_PROBE` are dropped. So a
 * probe failing the same way every 200 ms for an hour is one entry.
 */
export class ProbeAnswers {
  readonly #byProbe = new Map<Probe, ProbeResult[]>();

  /**
   * Records an answer (with `count` 1); gives the entry it started, or undefined when it only
   * folded into the previous one: a new entry is a change worth telling, a repeat is not.
   */
  add(answer: Omit<ProbeResult, 'count'>): ProbeResult | undefined {
    const list = this.#byProbe.get(answer.probe) ?? [];
    this.#byProbe.set(answer.probe, list);
    const last = list.at(-1);
    if (last && last.ok === answer.ok && last.detail === answer.detail && last.target === answer.target) {
      list[list.length - 1] = { ...last, at: answer.at, count: last.count + 1 };
      return undefined;
    }
    const entry: ProbeResult = { ...answer, count: 1 };
    list.push(entry);
    if (list.length > ANSWERS_PER_PROBE) list.splice(0, list.length - ANSWERS_PER_PROBE);
    return entry;
  }

  /** The readiness probe's entries, then the liveness probe's, each oldest first. */
  list(): ProbeResult[] {
    return [...(this.#byProbe.get('readiness') ?? []), ...(this.#byProbe.get('liveness') ?? [])];
  }
}
