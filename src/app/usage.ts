// CPU and memory of the running units, for `ps` and `top`. CPU needs two readings of /proc: the
// project keeps the last few samples it took (at most `maxAgeMs` old) and answers from the newest
// one at least `minWindowMs` old; with none, it takes one, waits that long and takes another. It
// samples only when asked: nothing polls while nobody looks.
import { monotonicNow } from '../base/clock.js';
import type { UnitUsage, UsageFigures, UsageResult } from '../control/api.js';
import type { UsageSample } from '../proc/usage.js';

/** A unit that may run: its name and its leader's pid. */
export interface UsageUnit {
  readonly name: string;
  readonly pid: number | null;
}

export interface UsageOptions {
  /** The shortest span a CPU figure is averaged over (default 500 ms). */
  readonly minWindowMs?: number;
  /** How old a sample may serve as the start of that span (default 10 s). */
  readonly maxAgeMs?: number;
  /** Monotonic milliseconds, the clock of `UsageSample.at` (default `monotonicNow`). */
  readonly now?: () => number;
  /** Waits `ms` (default setTimeout). */
  readonly wait?: (ms: number) => Promise<void>;
}

/** How many samples are kept at most (several `top`s at once each add theirs). */
const KEPT = 8;

export class UsageTracker {
  readonly #sample: (pids: readonly number[]) => UsageSample;
  readonly #minWindowMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #wait: (ms: number) => Promise<void>;
  /** Oldest first. */
  #history: UsageSample[] = [];

  constructor(sample: (pids: readonly number[]) => UsageSample, o: UsageOptions = {}) {
    this.#sample = sample;
    this.#minWindowMs = o.minWindowMs ?? 500;
    this.#maxAgeMs = o.maxAgeMs ?? 10_000;
    this.#now = o.now ?? monotonicNow;
    this.#wait = o.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The figures of `units()` (read again after any wait) now, CPU averaged since an earlier sample. */
  async usage(units: () => readonly UsageUnit[]): Promise<UsageResult> {
    this.#prune();
    let base = this.#base();
    if (base === undefined) {
      base = this.#history[0] ?? this.#take(units());
      const left = base.at + this.#minWindowMs - this.#now();
      if (left > 0) await this.#wait(left);
    }
    const rows = units();
    const now = this.#take(rows);
    return figures(rows, base, now);
  }

  /** The newest kept sample at least the shortest span old. */
  #base(): UsageSample | undefined {
    const now = this.#now();
    for (let i = this.#history.length - 1; i >= 0; i--) {
      const s = this.#history[i];
      if (s !== undefined && now - s.at >= this.#minWindowMs) return s;
    }
    return undefined;
  }

  #take(rows: readonly UsageUnit[]): UsageSample {
    const pids = rows.flatMap((u) => (u.pid === null ? [] : [u.pid]));
    const s = this.#sample(pids);
    this.#history.push(s);
    if (this.#history.length > KEPT) this.#history.shift();
    return s;
  }

  #prune(): void {
    const now = this.#now();
    this.#history = this.#history.filter((s) => now - s.at <= this.#maxAgeMs);
  }
}

/** Each running unit's figures between `base` and `now`, and their sum. */
export function figures(rows: readonly UsageUnit[], base: UsageSample, now: UsageSample): UsageResult {
  const seconds = (now.at - base.at) / 1000;
  const units: UnitUsage[] = [];
  for (const row of rows) {
    if (row.pid === null) continue;
    const tree = now.trees.get(row.pid);
    if (tree === undefined) continue;
    // A tree missing from the base started after it (or its pid was taken by another since):
    // all of its time falls within the span.
    const before = base.trees.get(row.pid);
    const from = before !== undefined && before.start === tree.start ? before.ticks : 0;
    const cpu = seconds > 0 ? (Math.max(0, tree.ticks - from) / now.ticksPerSecond / seconds) * 100 : null;
    units.push({ name: row.name, cpu_percent: cpu === null ? null : round1(cpu), rss_bytes: tree.rssBytes, pss_bytes: tree.pssBytes });
  }
  return { units, total: sum(units), window_ms: Math.round(now.at - base.at) };
}

/** The sum of units' figures; one unknown PSS makes the total unknown. */
export function sum(units: readonly UsageFigures[]): UsageFigures {
  let cpu = 0;
  let rss = 0;
  let pss: number | null = 0;
  for (const u of units) {
    cpu += u.cpu_percent ?? 0;
    rss += u.rss_bytes ?? 0;
    pss = pss === null || u.pss_bytes === null ? null : pss + u.pss_bytes;
  }
  return { cpu_percent: round1(cpu), rss_bytes: rss, pss_bytes: pss };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
