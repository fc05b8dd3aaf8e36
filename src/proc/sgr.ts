// The SGR state of a terminal (CSI … m): which attributes and colours are on. A style is kept as
// the one SGR sequence that sets it from a reset ('' for the default), so cells can share it and
// a line can be rebuilt from its runs. Pure: no node: module.

/** Attribute codes that turn on, with the code that turns each off. */
const OFF_OF: Readonly<Record<string, string>> = {
  '1': '22',
  '2': '22',
  '3': '23',
  '7': '27',
  '8': '28',
  '9': '29',
  '53': '55',
};

/** How many transitions a state remembers. */
const MAX_SEEN = 256;

/** A terminal's SGR state; `style` is its canonical sequence ('' when nothing is on). */
export class SgrState {
  #attrs = new Set<string>();
  #underline = '';
  #blink = '';
  #fg = '';
  #bg = '';
  #ul = '';
  style = '';
  /** The style the fields below hold (they are brought up to date only on a cache miss). */
  #fieldsOf = '';
  /** Known results: style → parameters → style. */
  readonly #seen = new Map<string, Map<string, string>>();
  #seenCount = 0;

  /** Applies the parameters of one SGR sequence (`1;32`, `38;5;208`, `38:2::1:2:3`, `` …). */
  apply(params: string): void {
    const from = this.style;
    let known = this.#seen.get(from);
    const to = known?.get(params);
    if (to !== undefined) {
      this.style = to;
      return;
    }
    if (this.#fieldsOf !== from) this.#load(from);
    this.#params(params);
    this.style = this.#render();
    this.#fieldsOf = this.style;
    if (this.#seenCount >= MAX_SEEN) {
      this.#seen.clear();
      this.#seenCount = 0;
      known = undefined;
    }
    if (known === undefined) this.#seen.set(from, (known = new Map<string, string>()));
    known.set(params, this.style);
    this.#seenCount++;
  }

  /** Sets the fields from a canonical style. */
  #load(style: string): void {
    this.reset();
    if (style !== '') this.#params(style.slice(2, -1));
  }

  #params(params: string): void {
    const p = params.split(';');
    for (let i = 0; i < p.length; i++) {
      const code = p[i] ?? '';
      if (code.includes(':')) this.#colon(code);
      else if (code === '38' || code === '48' || code === '58') i += this.#extended(code, p, i);
      else this.#code(code === '' ? 0 : Number(code));
    }
  }

  /** Back to the default style. */
  reset(): void {
    this.#attrs.clear();
    this.#underline = this.#blink = this.#fg = this.#bg = this.#ul = '';
    this.style = '';
    this.#fieldsOf = '';
  }

  /** One numeric code. */
  #code(n: number): void {
    if (n === 0) this.reset();
    else if (n === 1 || n === 2 || n === 3 || n === 7 || n === 8 || n === 9 || n === 53) this.#attrs.add(String(n));
    else if (n === 22) {
      this.#attrs.delete('1');
      this.#attrs.delete('2');
    } else if (n === 23 || n === 27 || n === 28 || n === 29 || n === 55) {
      for (const [on, off] of Object.entries(OFF_OF)) if (off === String(n)) this.#attrs.delete(on);
    } else if (n === 4 || n === 21) this.#underline = String(n);
    else if (n === 24) this.#underline = '';
    else if (n === 5 || n === 6) this.#blink = String(n);
    else if (n === 25) this.#blink = '';
    else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) this.#fg = String(n);
    else if (n === 39) this.#fg = '';
    else if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107)) this.#bg = String(n);
    else if (n === 49) this.#bg = '';
    else if (n === 59) this.#ul = '';
  }

  /** `38;5;N` or `38;2;R;G;B` (and 48, 58): how many parameters after `at` it took. */
  #extended(code: string, p: readonly string[], at: number): number {
    const kind = p[at + 1];
    const take = kind === '5' ? 2 : kind === '2' ? 4 : 1;
    const seq = p.slice(at, at + 1 + take).join(';');
    this.#color(code, seq);
    return Math.min(take, p.length - at - 1);
  }

  /** A colon form: `38:2::R:G:B`, `48:5:N`, `4:3` (curly underline). */
  #colon(code: string): void {
    const head = code.slice(0, code.indexOf(':'));
    if (head === '4') this.#underline = code === '4:0' ? '' : code;
    else this.#color(head, code);
  }

  #color(which: string, seq: string): void {
    if (which === '38') this.#fg = seq;
    else if (which === '48') this.#bg = seq;
    else if (which === '58') this.#ul = seq;
  }

  /** The canonical sequence of the state. */
  #render(): string {
    const parts = [...this.#attrs].sort();
    for (const part of [this.#underline, this.#blink, this.#fg, this.#bg, this.#ul]) if (part !== '') parts.push(part);
    return parts.length === 0 ? '' : `\x1b[${parts.join(';')}m`;
  }
}
