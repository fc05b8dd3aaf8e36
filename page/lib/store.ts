// The lines the page has taken in from the stream, in the order they came, numbered: a bounded
// ring (the oldest go first), and counts of every line received per unit since the page loaded.
import type { LogLine } from '../../src/dashboard/protocol.js';

export interface StoredLine {
  /** Position in the order of arrival, from 0 since the page loaded. */
  readonly seq: number;
  readonly line: LogLine;
}

export class LineStore {
  private readonly ring: (StoredLine | undefined)[];
  /** seq of the next line taken in. */
  private next = 0;
  /** seq of the oldest line kept. */
  private first = 0;
  private readonly received = new Map<string, number>();
  private receivedAll = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<StoredLine | undefined>(capacity);
  }

  /** Forgets the kept lines (a new history follows); the received counts stay. */
  clear(): void {
    this.first = this.next;
  }

  /** Takes in lines, in order; returns them numbered. */
  add(lines: readonly LogLine[]): StoredLine[] {
    const out: StoredLine[] = [];
    for (const line of lines) {
      const stored = { seq: this.next, line };
      this.ring[this.next % this.capacity] = stored;
      this.next++;
      out.push(stored);
      this.received.set(line.unit, (this.received.get(line.unit) ?? 0) + 1);
    }
    this.receivedAll += lines.length;
    if (this.next - this.first > this.capacity) this.first = this.next - this.capacity;
    return out;
  }

  /** seq of the oldest line kept, and of the next one to come. */
  get range(): { readonly first: number; readonly next: number } {
    return { first: this.first, next: this.next };
  }

  /** Whether lines older than the kept ones were taken in (and let go). */
  get dropped(): boolean {
    return this.first > 0;
  }

  /** Lines received since the page loaded: of the units `pick` accepts, or every one. */
  count(pick?: (unit: string) => boolean): number {
    if (pick === undefined) return this.receivedAll;
    let n = 0;
    for (const [unit, k] of this.received) if (pick(unit)) n += k;
    return n;
  }

  /** The oldest line kept, if any. */
  oldest(): StoredLine | undefined {
    return this.first < this.next ? this.ring[this.first % this.capacity] : undefined;
  }

  /**
   * The newest `limit` lines with seq in [since, before) that `keep` accepts, oldest first, and
   * whether every kept line of that range was looked at (none left that `keep` would take).
   */
  lastBefore(before: number, limit: number, keep: (l: LogLine) => boolean, since = 0): { lines: StoredLine[]; exhausted: boolean } {
    const out: StoredLine[] = [];
    const low = Math.max(since, this.first);
    let seq = Math.min(before, this.next) - 1;
    for (; seq >= low && out.length < limit; seq--) {
      const s = this.ring[seq % this.capacity];
      if (s !== undefined && keep(s.line)) out.push(s);
    }
    out.reverse();
    return { lines: out, exhausted: seq < low };
  }
}
