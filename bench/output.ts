// Throughput of the prefixed-output renderer: 4 units × 200,000 numbered lines, in batches
// the size a pipe read gives (64 KiB, or --batch-lines N), through the renderer into a fast
// sink (/dev/null), against writing the same batches raw. Prints lines/s, median of 5 runs.
//
//   npm run build && node dist/bench/output.js [--batch-lines N] [--color] [--runs 5]

import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { OutputBatch } from '../src/events/types.js';
import { PrefixRenderer } from '../src/output/prefix.js';
import type { OutputSink } from '../src/events/sink.js';

const UNITS = ['api', 'worker.0', 'worker.1', 'errors'];
const LINES = 200_000;

/** Command-line flags of the benchmark. */
function flags(): { batchLines: number; color: boolean; runs: number } {
  const argv = process.argv.slice(2);
  const value = (name: string): number | undefined => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : Number(argv[i + 1]);
  };
  return { batchLines: value('--batch-lines') ?? 0, color: argv.includes('--color'), runs: value('--runs') ?? 5 };
}

/** Every unit's lines cut into flat batches (as pipe reads give), interleaved round-robin. */
function makeBatches(batchLines: number): OutputBatch[] {
  const perUnit = UNITS.map((unit, u) => {
    const batches: OutputBatch[] = [];
    let lines: string[] = [];
    let size = 0;
    for (let i = 0; i < LINES; i++) {
      const line = `line ${String(i).padStart(6, '0')} of ${unit}: GET /api/items?page=${u} 200 12ms\n`;
      lines.push(line);
      size += line.length;
      if (batchLines > 0 ? lines.length >= batchLines : size >= 65_536) {
        batches.push({ unit, stream: i % 7 === 0 ? 'stderr' : 'stdout', text: lines.join('') });
        lines = [];
        size = 0;
      }
    }
    if (lines.length > 0) batches.push({ unit, stream: 'stdout', text: lines.join('') });
    return batches;
  });
  const all: OutputBatch[] = [];
  for (let i = 0; perUnit.some((b) => i < b.length); i++) {
    for (const batches of perUnit) {
      const b = batches[i];
      if (b) all.push(b);
    }
  }
  return all;
}

/** Pushes every batch through a sink, pausing on backpressure; returns milliseconds taken. */
async function pump(batches: readonly OutputBatch[], sink: OutputSink, out: Writable): Promise<number> {
  const t0 = performance.now();
  for (const batch of batches) {
    if (!sink.write(batch)) await new Promise<void>((resolve) => sink.onceDrain(resolve));
  }
  if (out.writableNeedDrain) await once(out, 'drain');
  return performance.now() - t0;
}

/** A sink that writes the text unchanged: the floor any renderer is measured against. */
function rawSink(out: Writable): OutputSink {
  return {
    write: (batch) => out.write(batch.text),
    onceDrain: (fn) => out.once('drain', fn),
  };
}

/** Runs one variant `runs` times on a fresh /dev/null stream; returns the median lines/s. */
async function measure(name: string, runs: number, make: (out: Writable) => OutputSink, batches: readonly OutputBatch[]): Promise<number> {
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const out = createWriteStream('/dev/null');
    const ms = await pump(batches, make(out), out);
    out.end();
    await once(out, 'close');
    rates.push((UNITS.length * LINES) / (ms / 1000));
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)] ?? 0;
  const shown = rates.map((x) => (x / 1e6).toFixed(2)).join(' ');
  const heap = (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0);
  console.log(`${name.padEnd(10)} median ${(median / 1e6).toFixed(2)} M lines/s   runs: ${shown}   heap ${heap} MiB`);
  return median;
}

/** Entry point: raw writes, then the renderer, same batches, same sink. */
async function main(): Promise<void> {
  const { batchLines, color, runs } = flags();
  const batches = makeBatches(batchLines);
  const inputMb = (batches.reduce((n, b) => n + b.text.length, 0) / 2 ** 20).toFixed(0);
  const size = batchLines > 0 ? `${batchLines} lines` : '64 KiB';
  console.log(`${UNITS.length} × ${LINES} lines, ${batches.length} batches of ${size}, colour ${color ? 'on' : 'off'}, Node ${process.version}`);
  const raw = await measure('raw', runs, rawSink, batches);
  const prefixed = await measure('prefixed', runs, (out) => new PrefixRenderer(out, { names: UNITS, color }), batches);
  console.log(`prefixed/raw ${(prefixed / raw).toFixed(2)}   (heap includes the ${inputMb} MiB of input batches)`);
}

await main();
