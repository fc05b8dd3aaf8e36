// The one choke point every runtime event passes through. Publishing stamps the time, then
// hands the event to every subscriber synchronously and in subscription order.

import type { ProcsEvent } from './types.js';

/** `Omit` applied to each member of a union separately, so the union's variants survive. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as a publisher writes it: `ts` is optional and filled in by the bus. */
export type EventInput = DistributiveOmit<ProcsEvent, 'ts'> & { readonly ts?: string };

export type Subscriber = (event: ProcsEvent) => void;

export interface EventBusOptions {
  /** Told about the first failure of each subscriber; later failures of it stay quiet. */
  readonly onError?: (error: unknown) => void;
  /** Wall-clock milliseconds, for the `ts` stamp (tests pass a fixed clock). */
  readonly now?: () => number;
}

export class EventBus {
  #subscribers: Subscriber[] = [];
  #queue: ProcsEvent[] = [];
  #delivering = false;
  #reported = new WeakSet<Subscriber>();
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;

  constructor(options: EventBusOptions = {}) {
    this.#onError = options.onError ?? (() => undefined);
    this.#now = options.now ?? Date.now;
  }

  /**
   * Stamps and delivers an event; returns the stamped value. An event published from inside a
   * subscriber is delivered after the current one has reached every subscriber, so all
   * subscribers see the same order.
   */
  publish(input: EventInput): ProcsEvent {
    const event = (input.ts === undefined ? { ...input, ts: new Date(this.#now()).toISOString() } : input) as ProcsEvent;
    this.#queue.push(event);
    if (!this.#delivering) this.#drain();
    return event;
  }

  /** Adds a subscriber for every later event; the returned function removes it. */
  subscribe(fn: Subscriber): () => void {
    this.#subscribers = [...this.#subscribers, fn];
    return () => {
      this.#subscribers = this.#subscribers.filter((s) => s !== fn);
    };
  }

  /** Delivers queued events one by one until the queue is empty. */
  #drain(): void {
    this.#delivering = true;
    try {
      for (let event = this.#queue.shift(); event; event = this.#queue.shift()) {
        for (const fn of this.#subscribers) this.#deliver(fn, event);
      }
    } finally {
      this.#delivering = false;
    }
  }

  /** Calls one subscriber, keeping its failure away from the others. */
  #deliver(fn: Subscriber, event: ProcsEvent): void {
    try {
      fn(event);
    } catch (error) {
      if (this.#reported.has(fn)) return;
      this.#reported.add(fn);
      try {
        this.#onError(error);
      } catch {
        // an error callback that throws has nowhere further to report to
      }
    }
  }
}
