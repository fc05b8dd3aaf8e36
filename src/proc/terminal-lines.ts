// From a unit's terminal output to whole lines, as LineSplitter gives them for a pipe. A unit on
// a pseudo-terminal writes colours, carriage-return progress bars, cursor moves and titles;
// procs' output is lines, shared by every unit and the log files. So each line is played on one
// emulated terminal line (CellLine): text overwrites at the cursor, "\r" goes back to column 0,
// "\b" and in-line CSI moves and edits (C D G ` a K X P @) apply within the line, SGR colours are
// kept per cell; "\n" (or "\r\n") ends the line. Whatever would leave the line or change the
// screen is dropped: cursor up/down/position, erase display, scroll regions, save/restore,
// modes, ESC 7/8/c, charsets, OSC (titles; a hyperlink keeps its text), DCS/APC/PM/SOS, BEL
// and other controls. A tab is kept as one cell holding "\t". Wide characters (CJK, emoji)
// take two cells, by code point ranges (no full Unicode width table).
//
// Output with nothing special in it (no ESC, no bare "\r", no other control) takes a fast path
// that only splits at the last newline, as LineSplitter does. Pure: no node: module.

import { SgrState } from './sgr.js';
import { CellLine, cellWidth } from './terminal-cells.js';
import { hasOtherControls, incompleteUtf8, NOT_SGR } from './terminal-text.js';

/** A line longer than this many cells is emitted in pieces (as LineSplitter's MAX_LINE_BYTES). */
export const MAX_LINE_CELLS = 1024 * 1024;

export interface TerminalLinesOptions {
  /** Cells a line may hold before it is emitted in pieces. */
  readonly maxLineCells?: number;
  /** Keep SGR colours (default); false drops them with the other escapes. */
  readonly color?: boolean;
}

/** SGR sequences and newlines, for text holding no other escape. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SGR_OR_NL = /\u001b\[([\d;:]*)m|\n/g;
const RESET = '\x1b[0m';

const enum S {
  Ground,
  Esc,
  EscInter,
  Csi,
  /** OSC: ends at BEL or ST. */
  Osc,
  /** DCS, SOS, PM, APC: end at ST. */
  Str,
  /** ESC seen inside an OSC or string: a following "\\" ends it. */
  StrEsc,
}

/** Longest CSI parameter text kept; a longer sequence is dropped whole. */
const MAX_CSI = 64;
/** Longest string sequence (OSC, DCS…) swallowed before it is given up and text shows again. */
const MAX_STRING = 64 * 1024;

/** `text` with a terminal's "\r\n" as "\n". */
function crlf(text: string): string {
  return text.includes('\r') ? text.replaceAll('\r\n', '\n') : text;
}

/** Emulates one terminal line over a unit's output; push/end as LineSplitter's. */
export class TerminalLines {
  readonly #max: number;
  readonly #color: boolean;
  /** The current line while it is plain text with the cursor at its end; undefined while cells hold it. */
  #plain: string | undefined = '';
  readonly #line: CellLine;
  #sgr = new SgrState();
  /** The style the current line began in (what its plain text needs before it). */
  #lineStyle = '';
  #state = S.Ground;
  #seq = '';
  #strLen = 0;
  #bytes: Buffer | undefined;
  #out = '';

  constructor(options: TerminalLinesOptions = {}) {
    this.#max = Math.max(2, options.maxLineCells ?? MAX_LINE_CELLS);
    this.#color = options.color ?? true;
    this.#line = new CellLine(this.#max);
  }

  /** Takes a chunk; gives every complete line it finishes as one string, or undefined. */
  push(chunk: Buffer): string | undefined {
    let buf = chunk;
    if (this.#bytes !== undefined) {
      buf = Buffer.concat([this.#bytes, chunk]);
      this.#bytes = undefined;
    }
    const cut = incompleteUtf8(buf);
    if (cut > 0) this.#bytes = Buffer.from(buf.subarray(buf.length - cut));
    return this.pushText(buf.toString('utf8', 0, buf.length - cut));
  }

  /** As push, for text already decoded. */
  pushText(text: string): string | undefined {
    if (text.length === 0) return undefined;
    let rest = text;
    if (this.#plain === undefined) {
      // Emulated up to the end of the line in progress; the fast paths may take the rest.
      const nl = rest.indexOf('\n') + 1;
      this.#feed(nl === 0 ? rest : rest.slice(0, nl));
      rest = nl === 0 ? '' : rest.slice(nl);
    }
    if (rest !== '') this.#fastOrFeed(rest);
    const out = this.#out;
    this.#out = '';
    return out === '' ? undefined : out;
  }

  /** The fast paths for `text` where they apply, else for its complete lines, the rest emulated. */
  #fastOrFeed(text: string): void {
    if (this.#plain === undefined || hasOtherControls(text)) return this.#feed(text);
    if (this.#fast(crlf(text))) return;
    const nl = text.lastIndexOf('\n') + 1;
    if (nl > 0 && nl < text.length && this.#fast(crlf(text.slice(0, nl)))) this.#feed(text.slice(nl));
    else this.#feed(text);
  }

  /**
   * The fast paths, while the line is plain text with the cursor at its end: text with no
   * control but tab and newline is split at its last newline; text whose only escapes are SGR
   * is split at newlines with the style tracked, each line opened in the style it starts in and
   * closed with a reset when a style is still on. False (nothing done) for anything else.
   */
  #fast(text: string): boolean {
    const plain = this.#plain ?? '';
    const nl = text.lastIndexOf('\n');
    if (text.includes('\r') || plain.length + text.length - nl - 1 >= this.#max) return false;
    const esc = text.includes('\x1b');
    if (esc && NOT_SGR.test(text)) return false;
    if (!esc && this.#sgr.style === '' && this.#lineStyle === '') {
      if (nl < 0) this.#plain = plain + text;
      else {
        this.#out += plain + text.slice(0, nl + 1);
        this.#plain = text.slice(nl + 1);
      }
      return true;
    }
    let line = plain;
    let start = 0;
    SGR_OR_NL.lastIndex = 0;
    for (let m = SGR_OR_NL.exec(text); m !== null; m = SGR_OR_NL.exec(text)) {
      if (m[0] === '\n') {
        const style = this.#sgr.style;
        this.#out += `${this.#lineStyle}${line}${text.slice(start, m.index)}${style === '' ? '' : RESET}\n`;
        this.#lineStyle = style;
        line = '';
        start = m.index + 1;
      } else if (this.#color) {
        this.#applySgr(m[1] ?? '');
      } else {
        line += text.slice(start, m.index);
        start = m.index + m[0].length;
      }
    }
    this.#plain = line + text.slice(start);
    return true;
  }

  /** Gives the partial last line, completed with a newline, or undefined when there is none. */
  end(): string | undefined {
    if (this.#bytes !== undefined) {
      const rest = this.#bytes.toString('utf8');
      this.#bytes = undefined;
      this.#feed(rest);
    }
    let out = this.#out;
    this.#out = '';
    if (this.#plain !== undefined) {
      if (this.#plain !== '') out += `${this.#lineStyle}${this.#plain}${this.#sgr.style === '' ? '' : RESET}\n`;
    } else if (!this.#line.empty) {
      out += `${this.#line.take()}\n`;
    }
    this.#plain = '';
    this.#lineStyle = this.#sgr.style;
    this.#line.col = 0;
    this.#state = S.Ground;
    this.#seq = '';
    return out === '' ? undefined : out;
  }

  /** Plays `text` through the emulator, completed lines going to #out. */
  #feed(text: string): void {
    if (this.#plain !== undefined) {
      const plain = this.#plain;
      this.#plain = undefined;
      if (plain !== '') {
        this.#sgr = new SgrState();
        this.#sgr.apply(this.#lineStyle.slice(2, -1));
        this.#play(plain);
      }
    }
    this.#play(text);
    // Back to plain text while the cursor is at the line's end: the fast paths take over again.
    const line = this.#line;
    if (this.#state === S.Ground && line.col === line.length) {
      this.#lineStyle = line.empty ? this.#sgr.style : '';
      this.#plain = line.empty ? '' : line.takeOpen(this.#sgr.style);
    }
  }

  /** Plays `text` character by character on the emulated line. */
  #play(text: string): void {
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
          this.#step(cp, text.slice(i, i + 2));
          i++;
          continue;
        }
      }
      this.#step(cp, text[i] ?? '');
    }
  }

  /** One UTF-16 unit (a code point below U+10000) in the current state. */
  #step(cp: number, ch: string): void {
    switch (this.#state) {
      case S.Ground:
        if (cp >= 0x20 && cp !== 0x7f && (cp < 0x80 || cp > 0x9f)) this.#print(ch, cp);
        else this.#control(cp);
        return;
      case S.Esc:
        this.#escape(cp);
        return;
      case S.EscInter:
        if (cp === 0x1b) this.#state = S.Esc;
        else if (cp >= 0x30 && cp <= 0x7e) this.#state = S.Ground;
        else if (cp < 0x20) this.#control(cp);
        return;
      case S.Csi:
        this.#csiChar(cp, ch);
        return;
      default:
        this.#strByte(cp);
    }
  }

  /** A control character (C0, DEL or C1) outside a sequence. */
  #control(cp: number): void {
    const line = this.#line;
    if (cp === 0x0a) this.#endLine();
    else if (cp === 0x0d) line.col = 0;
    else if (cp === 0x08) line.col = Math.max(0, line.col - 1);
    else if (cp === 0x09) this.#put('\t', 1);
    else if (cp === 0x1b) this.#state = S.Esc;
    else if (cp === 0x9b) this.#startCsi();
    else if (cp === 0x9d) this.#startString(S.Osc);
    else if (cp === 0x90 || cp === 0x98 || cp === 0x9e || cp === 0x9f) this.#startString(S.Str);
    // BEL, SO, SI, NUL, DEL and the rest: dropped.
  }

  /** The character after ESC. */
  #escape(cp: number): void {
    if (cp === 0x5b) this.#startCsi();
    else if (cp === 0x5d) this.#startString(S.Osc);
    else if (cp === 0x50 || cp === 0x58 || cp === 0x5e || cp === 0x5f) this.#startString(S.Str);
    else if (cp >= 0x20 && cp <= 0x2f) this.#state = S.EscInter;
    else if (cp === 0x1b) this.#state = S.Esc;
    else if (cp < 0x20) {
      this.#state = S.Ground;
      this.#control(cp);
    } else this.#state = S.Ground; // ESC 7, ESC 8, ESC c, ESC M, ESC =…: dropped
  }

  #startCsi(): void {
    this.#state = S.Csi;
    this.#seq = '';
  }

  #startString(state: S): void {
    this.#state = state;
    this.#strLen = 0;
  }

  /** A character inside a CSI sequence: parameters and intermediates gathered, the final byte acts. */
  #csiChar(cp: number, ch: string): void {
    if (cp >= 0x20 && cp <= 0x3f) {
      if (this.#seq.length <= MAX_CSI) this.#seq += ch;
      return;
    }
    if (cp >= 0x40 && cp <= 0x7e) {
      this.#state = S.Ground;
      if (this.#seq.length <= MAX_CSI) this.#csi(this.#seq, ch);
      return;
    }
    if (cp === 0x18 || cp === 0x1a) this.#state = S.Ground;
    else if (cp === 0x1b) this.#state = S.Esc;
    else if (cp < 0x20) this.#control(cp);
    else this.#state = S.Ground; // not a CSI character: the sequence is abandoned
  }

  /** Inside an OSC or string sequence: everything swallowed until its end. */
  #strByte(cp: number): void {
    if (this.#state === S.StrEsc) {
      this.#state = S.Ground;
      if (cp !== 0x5c) this.#escape(cp);
      return;
    }
    if (cp === 0x1b) this.#state = S.StrEsc;
    else if (cp === 0x9c || cp === 0x18 || cp === 0x1a || (cp === 0x07 && this.#state === S.Osc)) this.#state = S.Ground;
    else if (++this.#strLen > MAX_STRING) this.#state = S.Ground;
  }

  /** Acts on a complete CSI sequence with parameters `params` and final `final`. */
  #csi(params: string, final: string): void {
    if (params.length > 0 && !/^[\d;:]*$/.test(params)) return; // private markers, intermediates: dropped
    if (final === 'm') this.#applySgr(params);
    else this.#line.edit(final, params);
  }

  /** SGR: the style new cells take (dropped when colours are not kept). */
  #applySgr(params: string): void {
    if (this.#color) this.#sgr.apply(params);
  }

  /** A printable character at the cursor. */
  #print(ch: string, cp = ch.codePointAt(0) ?? 0x20): void {
    this.#put(ch, cellWidth(cp));
  }

  /** Writes `ch` of `width` cells; a full line is emitted first, as a piece. */
  #put(ch: string, width: number): void {
    if (this.#line.print(ch, width, this.#sgr.style)) return;
    this.#endLine();
    this.#line.print(ch, width, this.#sgr.style);
  }

  #endLine(): void {
    this.#out += `${this.#line.take()}\n`;
  }
}
