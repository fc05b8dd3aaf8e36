// The plain view of the event stream: one human line per change of state, in the same
// stream and name column as unit output but told apart by a marker where output has its bar:
//
//   10:04:31 api    ● started (pid 4242)
//   10:04:31 api    | listening on :3000
//   10:04:33 api    ✗ exited with code 1 — restarting in 500ms (attempt 2 of 5)
//
// Without colour the markers are ASCII (`*`, `+`, `x`, `~`, `-`, `!`, `>`).

import type { Writable } from 'node:stream';
import type { ProcsEvent } from '../events/types.js';
import { sgr } from './colors.js';
import { StreamDrain } from '../base/drain.js';
import { clockTimeOf } from './format.js';
import { UnitLayout } from './layout.js';
import { foldsIntoExit, phrase, phraseExit, type FactsOf, type Mark, type Phrase } from './phrases.js';

export interface EventTextOptions {
  /** Unit names in unit order; ignored when `layout` is given. */
  readonly names?: Iterable<string>;
  readonly color?: boolean;
  /** The layout shared with the output renderer, so both columns line up. */
  readonly layout?: UnitLayout;
  /** Spec facts (max restarts, stop signal and timeout) for events that leave them out. */
  readonly facts?: FactsOf;
  /** Told once when the stream fails (EPIPE); lines are dropped from then on. */
  readonly onError?: (error: Error) => void;
}

type Exit = Extract<ProcsEvent, { type: 'exit' }>;

const MARKS: Readonly<Record<Mark, { readonly plain: string; readonly fancy: string; readonly color: string }>> = {
  start: { plain: '*', fancy: '●', color: sgr.green },
  ok: { plain: '+', fancy: '✓', color: sgr.green },
  fail: { plain: 'x', fancy: '✗', color: sgr.red },
  retry: { plain: '~', fancy: '↻', color: sgr.yellow },
  stop: { plain: '-', fancy: '■', color: sgr.dim },
  skip: { plain: '-', fancy: '⊘', color: sgr.yellow },
  warn: { plain: '!', fancy: '!', color: sgr.yellow },
  info: { plain: '>', fancy: '◆', color: sgr.cyan },
};

export class EventTextRenderer {
  readonly layout: UnitLayout;
  readonly #out: Writable;
  readonly #drain: StreamDrain;
  readonly #facts: FactsOf;
  #held: Exit | undefined;
  #lastType = new Map<string, ProcsEvent['type']>();

  constructor(out: Writable, options: EventTextOptions = {}) {
    this.#out = out;
    this.#drain = new StreamDrain(out, options.onError);
    this.layout = options.layout ?? new UnitLayout(options.names ?? [], options.color ?? false);
    this.#facts = options.facts ?? (() => undefined);
  }

  /**
   * Renders one event; usable directly as a bus subscriber. An `exit` is held until the next
   * event (or the end of the current tick) so that it can share a line with what follows it.
   */
  readonly event = (e: ProcsEvent): void => {
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined) {
      if (held.unit === e.unit && foldsIntoExit(e)) return this.#emit(e, [phraseExit(held, e, this.#facts)]);
      this.#emit(held, [phraseExit(held)]);
    }
    if (e.type === 'exit') {
      this.#held = e;
      queueMicrotask(() => this.flush());
      return;
    }
    if (e.type === 'restart' && this.#lastType.get(e.unit) === 'backoff') return;
    this.#emit(e, phrase(e, this.#facts));
  };

  /** Writes a held `exit` now. */
  flush(): void {
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined) this.#emit(held, [phraseExit(held)]);
  }

  /** One state line, ending in a newline. */
  format(unit: string, ts: string, p: Phrase): string {
    const time = clockTimeOf(ts);
    const name = this.layout.padded(unit);
    const mark = MARKS[p.mark];
    if (!this.layout.color) return `${time} ${name} ${mark.plain} ${p.text}\n`;
    const text = p.mark === 'stop' || p.mark === 'skip' ? `${sgr.dim}${p.text}${sgr.reset}` : p.text;
    const color = this.layout.colorOf(unit);
    return `${sgr.reset}${sgr.dim}${time}${sgr.reset} ${color}${name}${sgr.reset} ${mark.color}${mark.fancy}${sgr.reset} ${text}\n`;
  }

  /** Writes the lines of one event, remembering its type for the next one. */
  #emit(e: ProcsEvent, phrases: readonly Phrase[]): void {
    this.#lastType.set(e.unit, e.type);
    if (this.#drain.dead || phrases.length === 0) return;
    this.#out.write(phrases.map((p) => this.format(e.unit, e.ts, p)).join(''));
  }
}
