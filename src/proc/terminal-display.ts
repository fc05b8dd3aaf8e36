// Unit text made safe to show on procs' terminal or to log, for text that did not come through
// TerminalLines (a unit on a pipe can write escapes too), at the least cost for what it holds.
// Pure: no node: module.

import { TerminalLines } from './terminal-lines.js';
import { hasCursorControls, hasOtherControls, NOT_SGR } from './terminal-text.js';

export { hasTerminalControls } from './terminal-text.js';

const RESET = '\x1b[0m';

/**
 * Complete lines of text as a terminal would leave them, for text that did not come through
 * TerminalLines (a unit on a pipe can write escapes too): cursor moves and screen changes
 * dropped, "\r" overwriting, SGR kept (with a reset closing each line) when `color`, else dropped.
 */
export function terminalText(text: string, color: boolean): string {
  const lines = new TerminalLines({ color });
  return (lines.pushText(text) ?? '') + (lines.end() ?? '');
}

/** A newline not right after a reset. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNCLOSED_LINE_END = /(?<!\u001b\[0?m)\n/g;
/** Every SGR sequence. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SGR_ALL = /\u001b\[[\d;:]*m/g;

/**
 * Text of whole lines made safe to show (or log) among other units' lines, at the least cost:
 * unchanged when it holds nothing that moves the cursor (hasCursorControls); when its only escapes are colours, each line closed with
 * a reset (or the colours dropped without `color`); otherwise played through terminalText.
 */
export function displayText(text: string, color: boolean): string {
  if (!hasCursorControls(text)) return text;
  if (text.includes('\r') || hasOtherControls(text) || NOT_SGR.test(text)) return terminalText(text, color);
  if (!color) return text.replace(SGR_ALL, '');
  const closed = text.replace(UNCLOSED_LINE_END, `${RESET}\n`);
  return closed.endsWith('\n') || closed.endsWith(RESET) ? closed : `${closed}${RESET}`;
}
