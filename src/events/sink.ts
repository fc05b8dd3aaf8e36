import type { OutputBatch } from './types.js';

/**
 * Where unit output goes. `write` returns false when the consumer is saturated; the producer
 * then pauses its source until `onceDrain` fires (backpressure, as Node's streams do).
 */
export interface OutputSink {
  write(batch: OutputBatch): boolean;
  onceDrain(fn: () => void): void;
}
