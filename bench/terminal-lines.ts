// Cost of turning a unit's raw output into lines: TerminalLines (for units on a terminal)
// against LineSplitter (for pipes), on the same 64 KiB chunks. Inputs: plain lines, the same
// with "\r\n" endings (a terminal's), lines coloured with SGR, and a "\r"-redrawn progress bar.
// Prints MB/s, median of --runs (5) runs, and the ratio to LineSplitter on the plain input.
//
//   npm run build && node dist/bench/terminal-lines.js [--runs 5]

import { LineSplitter } from '../src/proc/lines.js';
import { TerminalLines } from '../src/proc/terminal-lines.js';

const TOTAL = 64 * 2 ** 20;
const CHUNK = 64 * 1024;

interface Splitter {
  push(chunk: Buffer): string | undefined;
  end(): string | undefined;
}

/** `TOTAL` bytes of lines made by `line(i)`, cut into chunks the size a pipe read gives. */
function chunksOf(line: (i: number) => string): Buffer[] {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < TOTAL; i++) {
    const l = line(i);
    parts.push(l);
    size += l.length;
  }
  const all = Buffer.from(parts.join(''));
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length; at += CHUNK) chunks.push(all.subarray(at, at + CHUNK));
  return chunks;
}

const INPUTS: Record<string, Buffer[]> = {
  plain: chunksOf((i) => `line ${String(i).padStart(6, '0')} of api: GET /api/items?page=3 200 12ms\n`),
  crlf: chunksOf((i) => `line ${String(i).padStart(6, '0')} of api: GET /api/items?page=3 200 12ms\r\n`),
  colour: chunksOf((i) => `\x1b[2m${String(i).padStart(6, '0')}\x1b[22m \x1b[32mGET\x1b[39m /api/items?page=3 \x1b[1m200\x1b[22m 12ms\r\n`),
  progress: chunksOf((i) => (i % 100 === 99 ? `\r\x1b[32mdone ${i}\x1b[0m\x1b[K\r\n` : `\r[${'#'.repeat((i % 100) / 5).padEnd(20)}] ${i % 100}%`)),
};

/** Pushes every chunk through a fresh splitter; MB/s. */
function run(make: () => Splitter, chunks: readonly Buffer[]): number {
  const s = make();
  let bytes = 0;
  let lines = 0;
  const t0 = performance.now();
  for (const c of chunks) {
    bytes += c.length;
    const out = s.push(c);
    if (out !== undefined) lines += out.length;
  }
  lines += s.end()?.length ?? 0;
  const ms = performance.now() - t0;
  if (lines === 0) throw new Error('no output');
  return bytes / 2 ** 20 / (ms / 1000);
}

/** The median MB/s of `runs` runs. */
function median(runs: number, make: () => Splitter, chunks: readonly Buffer[]): number {
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) rates.push(run(make, chunks));
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? 0;
}

/** Entry point. */
function main(): void {
  const i = process.argv.indexOf('--runs');
  const runs = i < 0 ? 5 : Number(process.argv[i + 1]);
  console.log(`${TOTAL / 2 ** 20} MiB per input in ${CHUNK / 1024} KiB chunks, median of ${runs}, Node ${process.version}`);
  // LineSplitter hands a pipe's lines on as bytes; decoded here, as TerminalLines' text is, to compare like with like.
  const decoding = (): Splitter => {
    const s = new LineSplitter();
    return { push: (c) => s.push(c)?.toString(), end: () => s.end() };
  };
  const base = median(runs, decoding, INPUTS.plain ?? []);
  console.log(`LineSplitter    plain     ${base.toFixed(0).padStart(6)} MB/s`);
  for (const [name, chunks] of Object.entries(INPUTS)) {
    const rate = median(runs, () => new TerminalLines(), chunks);
    console.log(`TerminalLines   ${name.padEnd(9)} ${rate.toFixed(0).padStart(6)} MB/s   ${(rate / base).toFixed(2)} × LineSplitter plain`);
  }
}

main();
