// ANSI escape sequences in a line of output: SGR colours and styles (16, 256 and truecolor; bold,
// dim, italic, underline, inverse) become styled segments; every other escape sequence is left
// out. Pure: the page turns segments into spans, with textContent only.

/** A run of text with one style. Colours are CSS values; absent means the default. */
export interface Segment {
  readonly text: string;
  readonly fg?: string;
  readonly bg?: string;
  readonly bold?: true;
  readonly dim?: true;
  readonly italic?: true;
  readonly underline?: true;
}

interface Style {
  fg?: string;
  bg?: string;
  bold?: true;
  dim?: true;
  italic?: true;
  underline?: true;
  inverse?: true;
}

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), and the other escapes (ESC, optional
// intermediate bytes, a final byte: ESC ( B, ESC 7, ESC =).
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b(?:\[([0-?]*)[ -/]*([@-~])|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[ -/]*[0-~])/g;

/** The 16 basic colours, as CSS variables the stylesheet sets (so the theme picks them). */
function basic(n: number): string {
  return `var(--ansi-${n})`;
}

/** A colour of the 256-colour palette: 0–15 basic, 16–231 a 6×6×6 cube, 232–255 greys. */
export function color256(n: number): string {
  if (n < 16) return basic(n);
  if (n < 232) {
    const i = n - 16;
    const level = (v: number): number => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${level(Math.floor(i / 36))},${level(Math.floor(i / 6) % 6)},${level(i % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

/** Reads an extended colour (38/48 ;5;N or ;2;R;G;B) at `params[i]`; returns it and how many params it took. */
function extended(params: readonly number[], i: number): { color?: string; used: number } {
  const mode = params[i + 1];
  if (mode === 5) {
    const n = params[i + 2];
    return n !== undefined && n >= 0 && n <= 255 ? { color: color256(n), used: 3 } : { used: 3 };
  }
  if (mode === 2) {
    const [r, g, b] = [params[i + 2], params[i + 3], params[i + 4]];
    if (r === undefined || g === undefined || b === undefined) return { used: 5 };
    const clamp = (v: number): number => Math.max(0, Math.min(255, v));
    return { color: `rgb(${clamp(r)},${clamp(g)},${clamp(b)})`, used: 5 };
  }
  return { used: 2 };
}

/** Applies one SGR sequence's parameters to `s`. */
function applySgr(s: Style, raw: string): void {
  // `:` separates sub-parameters (38:2::R:G:B); treat it as `;` and drop the empty colour-space slot.
  const text = raw.replace(/:(?=:)/g, '').replace(/:/g, ';');
  const params = text === '' ? [0] : text.split(';').map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < params.length; i++) {
    const p = params[i] ?? 0;
    if (p === 0) {
      for (const k of Object.keys(s) as (keyof Style)[]) delete s[k];
    } else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 7) s.inverse = true;
    else if (p === 22) {
      delete s.bold;
      delete s.dim;
    } else if (p === 23) delete s.italic;
    else if (p === 24) delete s.underline;
    else if (p === 27) delete s.inverse;
    else if (p >= 30 && p <= 37) s.fg = basic(p - 30);
    else if (p >= 90 && p <= 97) s.fg = basic(p - 90 + 8);
    else if (p === 39) delete s.fg;
    else if (p >= 40 && p <= 47) s.bg = basic(p - 40);
    else if (p >= 100 && p <= 107) s.bg = basic(p - 100 + 8);
    else if (p === 49) delete s.bg;
    else if (p === 38 || p === 48) {
      const { color, used } = extended(params, i);
      if (color !== undefined) {
        if (p === 38) s.fg = color;
        else s.bg = color;
      }
      i += used - 1;
    }
  }
}

function segment(text: string, s: Style): Segment {
  const fg = s.inverse ? (s.bg ?? 'var(--log-bg)') : s.fg;
  const bg = s.inverse ? (s.fg ?? 'var(--log-fg)') : s.bg;
  return {
    text,
    ...(fg !== undefined && { fg }),
    ...(bg !== undefined && { bg }),
    ...(s.bold && { bold: true as const }),
    ...(s.dim && { dim: true as const }),
    ...(s.italic && { italic: true as const }),
    ...(s.underline && { underline: true as const }),
  };
}

/** The styled segments of one line (styles start afresh on each line). Empty text gives no segment. */
export function parseAnsi(line: string): Segment[] {
  const out: Segment[] = [];
  const style: Style = {};
  let last = 0;
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(line); m !== null; m = ESCAPE.exec(line)) {
    if (m.index > last) out.push(segment(line.slice(last, m.index), style));
    if (m[2] === 'm') applySgr(style, m[1] ?? '');
    last = ESCAPE.lastIndex;
  }
  if (last < line.length) out.push(segment(line.slice(last), style));
  return out;
}

/** The line as shown, without escape sequences: what a filter matches. */
export function stripAnsi(line: string): string {
  return line.includes('\u001b') ? line.replace(ESCAPE, '') : line;
}
