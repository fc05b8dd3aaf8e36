// Backpressure plumbing shared by every sink: producers that were told "false" register a
// callback, and all of them are called together when the consumer has room again.

import type { Writable } from 'node:stream';

/** A list of callbacks waiting for room, called together once. */
export class DrainWaiters {
  #waiting: (() => void)[] = [];

  /** Waits for the next `fire` when saturated; otherwise calls `fn` on a microtask. */
  add(fn: () => void, saturated: boolean): void {
    if (saturated) this.#waiting.push(fn);
    else queueMicrotask(fn);
  }

  /** How many callbacks wait. */
  get size(): number {
    return this.#waiting.length;
  }

  /** Calls and forgets every waiting callback. */
  fire(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const fn of waiting) fn();
  }
}

/**
 * Drain waiting for a Writable with one listener however many producers wait (no listener
 * leak warnings). A stream that fails (EPIPE when the reader went away) or closes counts as
 * dead: it releases its waiters, its error goes to `onError` once instead of crashing procs,
 * and later output is dropped so no producer stays paused behind a dead terminal.
 */
export class StreamDrain {
  readonly #out: Writable;
  readonly #waiters = new DrainWaiters();
  #listening = false;
  #failed = false;

  constructor(out: Writable, onError?: (error: Error) => void) {
    this.#out = out;
    out.on('error', (error: Error) => {
      if (!this.#failed) onError?.(error);
      this.#failed = true;
      this.#waiters.fire();
    });
  }

  /** True when the stream can take no more writes at all (failed, closed, ended). */
  get dead(): boolean {
    return this.#failed || this.#out.destroyed || this.#out.writableEnded;
  }

  /** Registers `fn` for the stream's next 'drain', or calls it soon when there is room. */
  onceDrain(fn: () => void): void {
    const saturated = this.#out.writableNeedDrain && !this.dead;
    this.#waiters.add(fn, saturated);
    if (saturated && !this.#listening) this.#listen();
  }

  /** Attaches the single set of listeners that release the waiters. */
  #listen(): void {
    this.#listening = true;
    const release = (): void => {
      this.#listening = false;
      this.#out.off('drain', release);
      this.#out.off('close', release);
      this.#waiters.fire();
    };
    this.#out.on('drain', release);
    this.#out.on('close', release);
  }
}

/**
 * Resolves once `out` holds nothing it has not handed on (at once for a synchronous stream, or
 * one that failed or ended): what is written to another stream after it comes after it.
 */
export function whenWritten(out: Writable): Promise<void> {
  if (out.writableLength === 0 || out.destroyed || out.writableEnded) return Promise.resolve();
  // Writes are taken in order: the callback of an empty one runs once those before it are done.
  return new Promise((resolve) => out.write('', () => resolve()));
}

/** Anything with the sink half of the backpressure contract. */
export interface Drainable {
  onceDrain(fn: () => void): void;
}

/**
 * Backpressure over several targets: remembers which said "false" and releases waiters once
 * every one of them has drained. A target that fills up while waiters already wait is hooked
 * at once: several producers share one group (every unit's output goes through one fan-out),
 * and a target only the second producer filled must still be waited for, or its drain is
 * never heard and every producer stays paused.
 */
export class DrainGroup {
  #saturated = new Set<Drainable>();
  #hooked = new Set<Drainable>();
  #waiters = new DrainWaiters();

  /** Records the answer a target gave to a write. */
  note(target: Drainable, accepted: boolean): void {
    if (accepted) return;
    this.#saturated.add(target);
    if (this.#waiters.size > 0) this.#hook(target);
  }

  /** Whether any target still owes a drain. */
  get saturated(): boolean {
    return this.#saturated.size > 0;
  }

  /** Calls `fn` once no target is saturated (soon, when none is now). */
  onceDrain(fn: () => void): void {
    this.#waiters.add(fn, this.saturated);
    for (const target of this.#saturated) this.#hook(target);
  }

  // Listens (once) for `target`'s drain; the last saturated target to drain releases the waiters.
  #hook(target: Drainable): void {
    if (this.#hooked.has(target)) return;
    this.#hooked.add(target);
    target.onceDrain(() => {
      this.#hooked.delete(target);
      this.#saturated.delete(target);
      if (this.#saturated.size === 0) this.#waiters.fire();
    });
  }
}
