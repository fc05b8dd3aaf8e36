// Cheap checks on unit output for TerminalLines and the renderers: whether text holds anything
// a terminal would act on. One indexOf per character (memchr on one-byte strings) costs a few
// microseconds per 64 KiB, where a regular expression over a character class costs a hundred.
// Pure: no node: module.

/**
 * Controls a terminal acts on, besides ESC and "\r": backspace, BEL, vertical moves (VT, FF),
 * charset shifts (SO, SI), NUL, CAN, SUB, DEL and the C1 introducers (CSI, OSC, DCS, SOS, PM,
 * APC). Other C0 controls are ignored by terminals; on the fast paths they pass unchanged.
 */
const OTHER_CONTROLS = ['\b', '\x07', '\x0b', '\x0c', '\x0e', '\x0f', '\x00', '\x18', '\x1a', '\x7f', '\x9b', '\x9d', '\x90', '\x98', '\x9e', '\x9f'];

/** Whether `text` holds one of the controls above (not ESC, "\r", tab or newline). */
export function hasOtherControls(text: string): boolean {
  for (const c of OTHER_CONTROLS) if (text.includes(c)) return true;
  return false;
}

/** Whether `text` holds ESC, "\r" or another control a terminal acts on. */
export function hasTerminalControls(text: string): boolean {
  return hasCursorControls(text) || hasOtherControls(text);
}

/**
 * Whether `text` holds what could move a terminal's cursor over other text: ESC, "\r" or
 * backspace. The check on every batch shown or logged, so three scans only: VT and FF move the
 * cursor down onto empty rows, never over another line; a C1 CSI is not one in UTF-8 terminals;
 * SO needs an ESC sequence first to change the charset.
 */
export function hasCursorControls(text: string): boolean {
  return text.includes('\x1b') || text.includes('\r') || text.includes('\b');
}

/** An escape that is not a whole SGR sequence. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const NOT_SGR = /\u001b(?!\[[\d;:]*m)/;

/** How many bytes at the end of `buf` begin a UTF-8 sequence the next chunk completes. */
export function incompleteUtf8(buf: Buffer): number {
  const len = buf.length;
  for (let back = 1; back <= 3 && back <= len; back++) {
    const byte = buf[len - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}
