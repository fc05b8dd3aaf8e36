// One log line as a DOM element: the text's ANSI styles as spans (textContent only: a unit's
// output is never read as HTML), the unit in data-unit (the stylesheet shows it before the text),
// stderr marked.
import type { LogLine } from '../src/dashboard/protocol.js';
import { parseAnsi } from './lib/ansi.js';

/** A colour per unit name, the same on every load. */
function unitHue(unit: string): number {
  let h = 0;
  for (let i = 0; i < unit.length; i++) h = (h * 31 + unit.charCodeAt(i)) >>> 0;
  return h % 360;
}

const hues = new Map<string, string>();

export function lineElement(line: LogLine): HTMLElement {
  const el = document.createElement('div');
  el.className = line.stream === 'stderr' ? 'line stderr' : 'line';
  el.dataset['unit'] = line.unit;
  el.dataset['stream'] = line.stream;
  el.title = `${line.ts} ${line.unit} ${line.stream}`;
  let hue = hues.get(line.unit);
  if (hue === undefined) {
    hue = `hsl(${unitHue(line.unit)} 60% 65%)`;
    hues.set(line.unit, hue);
  }
  el.style.setProperty('--unit', hue);
  if (!line.text.includes('\u001b')) {
    el.textContent = line.text;
    return el;
  }
  for (const seg of parseAnsi(line.text)) {
    if (seg.fg === undefined && seg.bg === undefined && !seg.bold && !seg.dim && !seg.italic && !seg.underline) {
      el.append(seg.text);
      continue;
    }
    const span = document.createElement('span');
    span.textContent = seg.text;
    if (seg.fg !== undefined) span.style.color = seg.fg;
    if (seg.bg !== undefined) span.style.backgroundColor = seg.bg;
    if (seg.bold) span.style.fontWeight = 'bold';
    if (seg.dim) span.style.opacity = '0.6';
    if (seg.italic) span.style.fontStyle = 'italic';
    if (seg.underline) span.style.textDecoration = 'underline';
    el.append(span);
  }
  return el;
}
