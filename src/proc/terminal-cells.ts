// One terminal line as cells, for TerminalLines: each cell holds a character and the SGR style
// it was written with; the line is rebuilt as text with the style runs, ending in a reset when a
// style is still on, so a colour never bleeds into the next line or another unit's prefix.
// Pure: no node: module.

const RESET = '\x1b[0m';

/** The cell after a wide character's first half: holds nothing, shows nothing. */
const CONT = '';

/** How many cells a code point takes: 0 (combining, zero-width), 2 (East Asian wide, emoji) or 1. */
export function cellWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if (
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe20 && cp <= 0xfe2f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  )
    return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f680 && cp <= 0x1f6ff) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x1fa70 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

/** The escape codes between a run in style `from` and one in style `to` (styles are SGR text). */
function transition(from: string, to: string): string {
  if (to === '') return RESET;
  return from === '' ? to : `\x1b[0;${to.slice(2)}`;
}

/** A line of cells with a cursor. Cells past the last written one are empty; empty cells inside show as spaces. */
export class CellLine {
  /** Characters per cell: undefined for an empty cell, CONT after a wide character. */
  #chars: (string | undefined)[] = [];
  #styles: string[] = [];
  /** The cursor's column. */
  col = 0;
  readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  /** Whether the line holds no character. */
  get empty(): boolean {
    return this.#chars.length === 0;
  }

  /** How many cells from the start to the last written one. */
  get length(): number {
    return this.#chars.length;
  }

  /** Writes `ch` (of `width` cells) at the cursor in `style`; the cursor moves past it. False when it does not fit before `max`. */
  print(ch: string, width: number, style: string): boolean {
    if (width === 0) {
      this.#combine(ch);
      return true;
    }
    const col = this.col;
    if (col + width > this.max) return false;
    this.#fill(col);
    this.#splitWide(col, col + width);
    this.#chars[col] = ch;
    this.#styles[col] = style;
    if (width === 2) {
      this.#chars[col + 1] = CONT;
      this.#styles[col + 1] = style;
    }
    this.col = col + width;
    return true;
  }

  /** An in-line CSI command (C a D G ` K X P @) with its parameters; any other final does nothing. */
  edit(final: string, params: string): void {
    const n = Math.max(1, Math.min(Number(params.split(/[;:]/)[0] || '1') || 1, this.max));
    const col = this.col;
    if (final === 'C' || final === 'a') this.moveTo(col + n);
    else if (final === 'D') this.moveTo(col - n);
    else if (final === 'G' || final === '`') this.moveTo(n - 1);
    else if (final === 'X') this.erase(col, col + n);
    else if (final === 'P') this.deleteCells(n);
    else if (final === '@') this.insertCells(n);
    else if (final === 'K') {
      const mode = params === '' ? 0 : Number(params);
      if (mode === 0) this.erase(col, Infinity);
      else if (mode === 1) this.erase(0, col + 1);
      else if (mode === 2) this.erase(0, Infinity);
    }
  }

  /** Moves the cursor to `col`, kept within the line's cap. */
  moveTo(col: number): void {
    this.col = Math.max(0, Math.min(col, this.max - 1));
  }

  /** Empties the cells from `from` up to (not including) `to`. */
  erase(from: number, to: number): void {
    const end = Math.min(to, this.#chars.length);
    if (from >= end) return;
    this.#splitWide(from, end);
    if (end === this.#chars.length) {
      this.#chars.length = from;
      this.#styles.length = from;
      this.#trim();
      return;
    }
    for (let i = from; i < end; i++) {
      this.#chars[i] = undefined;
      this.#styles[i] = '';
    }
  }

  /** Deletes `n` cells at the cursor, the rest of the line moving left. */
  deleteCells(n: number): void {
    const col = this.col;
    if (col >= this.#chars.length) return;
    this.#splitWide(col, Math.min(col + n, this.#chars.length));
    this.#chars.splice(col, n);
    this.#styles.splice(col, n);
    if (this.#chars[col] === CONT) this.#chars[col] = undefined;
    this.#trim();
  }

  /** Inserts `n` empty cells at the cursor, the rest moving right (and off the cap). */
  insertCells(n: number): void {
    const col = this.col;
    if (col >= this.#chars.length) return;
    const count = Math.min(n, this.max - col);
    this.#splitWide(col, col);
    this.#chars.splice(col, 0, ...new Array<undefined>(count));
    this.#styles.splice(col, 0, ...new Array<string>(count).fill(''));
    if (this.#chars.length > this.max) {
      if (this.#chars[this.max] === CONT) this.#chars[this.max - 1] = undefined;
      this.#chars.length = this.max;
      this.#styles.length = this.max;
      this.#trim();
    }
  }

  /** The line as text with its style runs (a reset at the end when a style is on), without newline; the line is emptied. */
  take(): string {
    return this.takeOpen('');
  }

  /** The line as text with its style runs, left in style `active` (no reset), without newline; the line is emptied. */
  takeOpen(active: string): string {
    const chars = this.#chars;
    const styles = this.#styles;
    let out = '';
    let cur = '';
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (ch === CONT) continue;
      const style = ch === undefined ? '' : (styles[i] ?? '');
      if (style !== cur) {
        out += transition(cur, style);
        cur = style;
      }
      out += ch ?? ' ';
    }
    if (cur !== active) out += transition(cur, active);
    this.#chars = [];
    this.#styles = [];
    this.col = 0;
    return out;
  }

  /** Adds a zero-width character to the cell before the cursor (or drops it at the start of the line). */
  #combine(ch: string): void {
    let at = this.col - 1;
    if (this.#chars[at] === CONT) at--;
    const base = this.#chars[at];
    if (at < 0 || base === undefined) return;
    this.#chars[at] = base + ch;
  }

  /** Empty cells up to `col`, so the cursor can write past the end. */
  #fill(col: number): void {
    for (let i = this.#chars.length; i < col; i++) {
      this.#chars.push(undefined);
      this.#styles.push('');
    }
  }

  /** Before cells [from, to) change: a wide character cut in half at either edge becomes a space. */
  #splitWide(from: number, to: number): void {
    if (this.#chars[from] === CONT && from > 0) this.#chars[from - 1] = ' ';
    if (this.#chars[to] === CONT) this.#chars[to] = ' ';
  }

  /** Drops empty cells at the end. */
  #trim(): void {
    let n = this.#chars.length;
    while (n > 0 && this.#chars[n - 1] === undefined) n--;
    this.#chars.length = n;
    this.#styles.length = n;
  }
}
