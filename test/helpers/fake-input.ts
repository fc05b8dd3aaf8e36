// A unit input (the process layer's UnitInput) that records what reaches it and emits what a
// test says, for attach tests without a pseudo-terminal.
import type { UnitInput, WindowSize } from '../../src/proc/unit-input.js';

/** A unit input that records what reaches it and emits what the test says. */
export class FakeInput implements UnitInput {
  readonly tty: boolean;
  readonly written: string[] = [];
  readonly sizes: WindowSize[] = [];
  readonly #listeners = new Set<(b: Buffer) => void>();
  #recent = '';
  #close!: () => void;
  readonly closed = new Promise<void>((r) => (this.#close = r));

  constructor(tty = true, recent = '') {
    this.tty = tty;
    this.#recent = recent;
  }
  write(data: Buffer): boolean {
    this.written.push(data.toString());
    return true;
  }
  resize(size: WindowSize): void {
    this.sizes.push(size);
  }
  onOutput(fn: (chunk: Buffer) => void): () => void {
    this.#listeners.add(fn);
    return () => void this.#listeners.delete(fn);
  }
  recent(): Buffer {
    return Buffer.from(this.#recent);
  }
  emit(text: string): void {
    this.#recent += text;
    for (const fn of this.#listeners) fn(Buffer.from(text));
  }
  get listeners(): number {
    return this.#listeners.size;
  }
  close(): void {
    this.#close();
  }
}
