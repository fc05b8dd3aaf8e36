// Batches made from the bytes a unit wrote: a pipe's whole lines, valid UTF-8, as read. Their
// text is decoded the first time something asks for it, not before: on the path of heavy output
// the terminal and the log files copy the bytes, the last-lines ring decodes only the last lines,
// and most batches are never turned into a string at all (a 64 KiB string per read chunk, and
// the garbage collection that follows it, was a tenth of procs' time writing output to a file).

import type { OutputBatch } from './types.js';

/** Which unit, stream and (for pipelines) step a batch belongs to, and when it was read. */
export interface BatchOrigin {
  readonly unit: string;
  readonly stream: OutputBatch['stream'];
  readonly step?: number;
  readonly at?: number;
}

/** The batches whose text is, untouched, the UTF-8 decoding of their bytes. */
const decodedLazily = new WeakSet<OutputBatch>();

/**
 * A batch of `bytes` (whole lines, valid UTF-8): `text` is their decoding, made on first use.
 * Spreading it (`{ ...batch }`) reads the text, which is correct, only slower.
 */
export function bytesBatch(origin: BatchOrigin, bytes: Uint8Array): OutputBatch {
  let text: string | undefined;
  const batch: { -readonly [K in keyof OutputBatch]: OutputBatch[K] } = {
    unit: origin.unit,
    stream: origin.stream,
    get text(): string {
      return (text ??= Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    },
    bytes,
  };
  if (origin.step !== undefined) batch.step = origin.step;
  if (origin.at !== undefined) batch.at = origin.at;
  decodedLazily.add(batch);
  return batch;
}

/**
 * Whether the batch's text is exactly the UTF-8 of its bytes, so that its bytes may stand for it
 * (its length, a search for an ASCII character), without decoding. Only bytesBatch's batches are.
 */
export function bytesAreText(batch: OutputBatch): batch is OutputBatch & { readonly bytes: Uint8Array } {
  return decodedLazily.has(batch);
}

/** The batch with its time set; one made from bytes stays lazy. */
export function withTime(batch: OutputBatch, at: number): OutputBatch {
  if (bytesAreText(batch))
    return bytesBatch({ unit: batch.unit, stream: batch.stream, ...(batch.step === undefined ? {} : { step: batch.step }), at }, batch.bytes);
  return { ...batch, at };
}

/** Whether the batch holds no text, without decoding one made from bytes. */
export function isEmptyBatch(batch: OutputBatch): boolean {
  return bytesAreText(batch) ? batch.bytes.length === 0 : batch.text.length === 0;
}

/** The batch's size, in bytes for one made from bytes, else in characters (for limits on what is held). */
export function batchSize(batch: OutputBatch): number {
  return bytesAreText(batch) ? batch.bytes.length : batch.text.length;
}
