// The terminal view of unit output: every line as `HH:MM:SS name | text`, names padded and
// coloured, stderr marked by a red bar (same shape without colour), a pipeline's stderr with
// its step number: `errors | [2] text`. A batch becomes one string and one `write` call, so
// lines of different units never interleave and heavy output costs a few native calls a batch.
// What a unit writes to move the cursor or change the screen is dropped (see proc/terminal-lines).

import type { Writable } from 'node:stream';
import type { OutputBatch } from '../events/types.js';
import { displayText } from '../proc/terminal-display.js';
import { sgr } from './colors.js';
import { BatchRenderer } from './batch-renderer.js';
import { SecondClock } from './format.js';
import { UnitLayout } from './layout.js';
import { plainBytes, prefixLines } from './line-bytes.js';
import type { PooledBytes } from './byte-pool.js';

export interface PrefixOptions {
  /** Unit names in unit order (decides padding and colours); ignored when `layout` is given. */
  readonly names?: Iterable<string>;
  readonly color?: boolean;
  /** A layout shared with the state-line renderer, so both columns line up. */
  readonly layout?: UnitLayout;
  /** Wall-clock milliseconds (tests pass a fixed clock). */
  readonly now?: () => number;
  /** Told once when the stream fails (EPIPE); output is dropped from then on. */
  readonly onError?: (error: Error) => void;
}

interface Tails {
  readonly version: number;
  readonly lead: string;
  readonly stdout: string;
  readonly stderr: string;
}

export class PrefixRenderer extends BatchRenderer {
  readonly layout: UnitLayout;
  readonly #clock: SecondClock;
  #tails = new Map<string, Tails>();
  /** Each unit's last prefix as bytes: it changes once a second at most. */
  #prefixBytes = new Map<string, { text: string; bytes: Buffer }>();

  constructor(out: Writable, options: PrefixOptions = {}) {
    super(out, options.onError);
    this.layout = options.layout ?? new UnitLayout(options.names ?? [], options.color ?? false);
    this.#clock = new SecondClock(options.now);
  }

  /** Makes units added later known, widening the name column if needed. */
  addNames(names: Iterable<string>): void {
    this.layout.addNames(names);
  }

  /** The prefixed lines of a batch of plain lines, from the unit's bytes; undefined for any other batch. */
  override renderBytes(batch: OutputBatch): PooledBytes | undefined {
    const bytes = plainBytes(batch);
    if (bytes === undefined) return undefined;
    const prefix = this.#prefixOf(batch);
    let cached = this.#prefixBytes.get(batch.unit);
    if (cached?.text !== prefix) this.#prefixBytes.set(batch.unit, (cached = { text: prefix, bytes: Buffer.from(prefix) }));
    return prefixLines(bytes, cached.bytes);
  }

  /** The prefixed text of a batch, every line ending in a newline. */
  override render(batch: OutputBatch): string {
    const prefix = this.#prefixOf(batch);
    // A unit's "\r", cursor moves or screen clears never reach procs' terminal; its colours do
    // when procs' output is coloured, each line closed with a reset.
    const text = displayText(batch.text, this.layout.color);
    if (text.length === 0) return '';
    const last = text.length - 1;
    if (text.charCodeAt(last) !== 10) return prefix + text.replaceAll('\n', '\n' + prefix) + '\n';
    if (text.indexOf('\n') === last) return prefix + text;
    return prefix + text.slice(0, last).replaceAll('\n', '\n' + prefix) + '\n';
  }

  /** What comes before each line of the batch: time, name, bar, and a pipeline's step. */
  #prefixOf(batch: OutputBatch): string {
    const tails = this.#tailsOf(batch.unit);
    const prefix =
      tails.lead + (batch.at === undefined ? this.#clock.now() : this.#clock.at(batch.at)) + (batch.stream === 'stderr' ? tails.stderr : tails.stdout);
    return batch.step === undefined ? prefix : `${prefix}[${batch.step + 1}] `;
  }

  /** The part of the prefix after the time, cached per unit until the column widens. */
  #tailsOf(unit: string): Tails {
    const cached = this.#tails.get(unit);
    if (cached !== undefined && cached.version === this.layout.version) return cached;
    const padded = this.layout.padded(unit);
    const tails = this.layout.color ? colorTails(padded, this.layout.colorOf(unit)) : plainTails(padded);
    const entry = { version: this.layout.version, ...tails };
    this.#tails.set(unit, entry);
    return entry;
  }
}

/** ` name | ` for both streams: without colour they look the same. */
function plainTails(padded: string): Omit<Tails, 'version'> {
  const tail = ` ${padded} | `;
  return { lead: '', stdout: tail, stderr: tail };
}

/**
 * Coloured pieces: a dim time, the name in its colour, a bold red bar for stderr. Each colour
 * starts with its own reset (`ESC[0;2m`, not `ESC[0mESC[2m`): the same look in fewer bytes, which a
 * terminal has to read for every line.
 */
function colorTails(padded: string, color: string): Omit<Tails, 'version'> {
  const name = afterReset(color);
  return {
    lead: afterReset(sgr.dim),
    stdout: ` ${name}${padded} |${sgr.reset} `,
    stderr: ` ${name}${padded} ${STDERR_BAR}${sgr.reset} `,
  };
}

/** `ESC[Nm` as `ESC[0;Nm`: a reset and then the attribute, in one sequence. */
function afterReset(code: string): string {
  return code.startsWith('\x1b[') ? `\x1b[0;${code.slice(2)}` : `${sgr.reset}${code}`;
}

const STDERR_BAR = '\x1b[0;1;31m|';
