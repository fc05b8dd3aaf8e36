// Sinks for tests: one that collects every batch and lets a test wait for output, and one that
// refuses writes until told to drain, to exercise backpressure.
import type { OutputBatch } from '../../src/events/types.js';
import type { OutputSink } from '../../src/events/sink.js';

type Waiter = { readonly test: () => boolean; readonly resolve: () => void };

/** Keeps every batch; `waitFor` resolves on the write that makes a condition true. */
export class CollectingSink implements OutputSink {
  readonly batches: OutputBatch[] = [];
  #waiters: Waiter[] = [];

  // Stores a batch and wakes the waiters whose condition now holds.
  write(batch: OutputBatch): boolean {
    this.batches.push(batch);
    this.#waiters = this.#waiters.filter((w) => !(w.test() && (w.resolve(), true)));
    return true;
  }

  // Never needed: this sink always accepts.
  onceDrain(fn: () => void): void {
    queueMicrotask(fn);
  }

  // All text of a unit (and stream, and step), in order.
  text(unit?: string, stream?: OutputBatch['stream'], step?: number): string {
    return this.batches
      .filter((b) => (unit === undefined || b.unit === unit) && (stream === undefined || b.stream === stream))
      .filter((b) => step === undefined || b.step === step)
      .map((b) => b.text)
      .join('');
  }

  // The lines of a unit's stream, without their newlines.
  lines(unit?: string, stream?: OutputBatch['stream']): string[] {
    const text = this.text(unit, stream);
    return text === '' ? [] : text.slice(0, -1).split('\n');
  }

  // Resolves once `test` holds, checked now and after every write; rejects after `timeoutMs`.
  waitFor(test: () => boolean, what = 'output', timeoutMs = 60_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got:\n${this.text().slice(-2000)}`)), timeoutMs);
      this.#waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  // Resolves once a line of output matches `pattern`, giving the match.
  async waitForLine(pattern: RegExp, unit?: string): Promise<RegExpMatchArray> {
    let match: RegExpMatchArray | null = null;
    await this.waitFor(() => (match = this.text(unit).match(pattern)) !== null, String(pattern));
    return match as unknown as RegExpMatchArray;
  }
}

/** A sink that is full after `capacity` bytes until the test calls `drain()`. */
export class GatedSink extends CollectingSink {
  bytesSinceDrain = 0;
  refusals = 0;
  #drainers: (() => void)[] = [];

  constructor(readonly capacity: number) {
    super();
  }

  // Collects the batch and reports whether there is room for more.
  override write(batch: OutputBatch): boolean {
    super.write(batch);
    this.bytesSinceDrain += batch.text.length;
    const ok = this.bytesSinceDrain < this.capacity;
    if (!ok) this.refusals++;
    return ok;
  }

  // Remembers the producer to resume on the next drain.
  override onceDrain(fn: () => void): void {
    this.#drainers.push(fn);
  }

  // Empties the sink and resumes every paused producer.
  drain(): void {
    this.bytesSinceDrain = 0;
    const fns = this.#drainers;
    this.#drainers = [];
    for (const fn of fns) fn();
  }

  // How many producers wait for a drain.
  get waiting(): number {
    return this.#drainers.length;
  }
}
