// Small formatting pieces shared by the renderers: local clock time, durations, name lists.

/** Local `HH:MM:SS` of a time. */
function clockTime(date: Date): string {
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** Local `HH:MM:SS` of an ISO timestamp, or of now when it does not parse. */
export function clockTimeOf(iso: string): string {
  const date = new Date(iso);
  return clockTime(Number.isNaN(date.getTime()) ? new Date() : date);
}

/** `HH:MM:SS` for "now", recomputed only when the second changes: the hot path's clock. */
export class SecondClock {
  #second = -1;
  #text = '';
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The current local time as `HH:MM:SS`. */
  now(): string {
    return this.at(this.#now());
  }

  /** The local time of `ms` (epoch milliseconds) as `HH:MM:SS`. */
  at(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#text = clockTime(new Date(ms));
    }
    return this.#text;
  }
}

/** A duration as people say it: `500ms`, `1.5s`, `10s`, `2m 5s`, `1h 2m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 10_000) return `${trimZero((ms / 1000).toFixed(1))}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60}m` : `${Math.floor(s / 60)}m ${s % 60}s`;
  const m = Math.round(s / 60);
  return m % 60 === 0 ? `${m / 60}h` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** A list of names for a sentence, shortened after `max`: `a, b, c and 4 more`. */
export function nameList(names: readonly string[], max = 6): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** Two-digit clock field. */
function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `1.0` reads better as `1`. */
function trimZero(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}
