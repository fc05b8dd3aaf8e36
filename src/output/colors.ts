// Whether to colour, and which colour each unit gets. Plain ANSI SGR escapes: the 16 basic
// colours every terminal has, so no dependency is needed.

export interface ColorInputs {
  /** The stream written to; colour is on by default only when it is a terminal. */
  readonly stream: { readonly isTTY?: boolean };
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--no-color` was given. */
  readonly noColorFlag?: boolean;
}

/**
 * Decides colour: `--no-color` turns it off; otherwise `FORCE_COLOR` decides when set to a
 * known value (1/2/3/true on, even without a terminal; 0/false off); otherwise a non-empty
 * `NO_COLOR` or `TERM=dumb` turns it off; otherwise it is on for a terminal.
 */
export function colorEnabled({ stream, env = process.env, noColorFlag = false }: ColorInputs): boolean {
  if (noColorFlag) return false;
  const force = (env.FORCE_COLOR ?? '').trim().toLowerCase();
  if (force === '1' || force === '2' || force === '3' || force === 'true') return true;
  if (force === '0' || force === 'false') return false;
  if ((env.NO_COLOR ?? '') !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** SGR codes, applied through `paint`. */
export const sgr = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
} as const;

/** Unit colours, red left out: it marks errors. Bright variants follow the basic ones. */
export const PALETTE: readonly string[] = [
  '\x1b[36m', // cyan
  '\x1b[33m', // yellow
  '\x1b[32m', // green
  '\x1b[35m', // magenta
  '\x1b[34m', // blue
  '\x1b[96m',
  '\x1b[93m',
  '\x1b[92m',
  '\x1b[95m',
  '\x1b[94m',
];

/** The name colours are keyed by: a pool instance `worker.3` shares `worker`'s colour. */
export function colorKey(unit: string): string {
  const dot = unit.indexOf('.');
  return dot < 0 ? unit : unit.slice(0, dot);
}

/**
 * Stable colours by order of first appearance: the first unit (or pool) gets the first
 * palette entry, and so on, wrapping around. Adding names never changes earlier ones.
 */
export class ColorAssigner {
  #byKey = new Map<string, string>();

  constructor(names: Iterable<string> = []) {
    for (const name of names) this.colorOf(name);
  }

  /** The escape code for a unit's colour, assigning the next one on first sight. */
  colorOf(unit: string): string {
    const key = colorKey(unit);
    let code = this.#byKey.get(key);
    if (code === undefined) {
      code = PALETTE[this.#byKey.size % PALETTE.length] ?? sgr.cyan;
      this.#byKey.set(key, code);
    }
    return code;
  }
}
