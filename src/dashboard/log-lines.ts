// Unit output as the page gets it (LogLine), from the live feed and from the log files alike, and
// the join of the two: the files read once the feed is subscribed hold every line from before it,
// and some of the first live lines too; those are sent once. Pure.
import type { LiveBatch } from '../control/api.js';
import { displayText } from '../proc/terminal-display.js';
import type { LogLine } from './protocol.js';
import { hookText } from '../output/unit-log.js';

/**
 * A live batch's lines as the unit's log file holds them (output/unit-log.ts): a hook's lines
 * (unit `api:post_start`) under their unit after `[post_start] `, the text as a terminal shows it.
 */
export function liveLines(b: LiveBatch): LogLine[] {
  if (b.dropped !== undefined || b.text.length === 0) return [];
  const colon = b.unit.indexOf(':');
  const unit = colon < 0 ? b.unit : b.unit.slice(0, colon);
  const raw = colon < 0 ? b.text : hookText(b.unit.slice(colon + 1), b.text);
  const shown = displayText(raw, true);
  if (shown.length === 0) return [];
  const texts = shown.split('\n');
  if (texts[texts.length - 1] === '') texts.pop();
  const step = b.step === undefined ? {} : { step: b.step };
  return texts.map((text) => ({ ts: b.ts, unit, stream: b.stream, ...step, text }));
}

/** Every unit's lines in one list ordered by time; a unit's own order is kept, and ties go in unit order. */
export function mergeByTime(tails: ReadonlyMap<string, readonly LogLine[]>): LogLine[] {
  const all: { line: LogLine; key: string; seq: number }[] = [];
  let seq = 0;
  for (const lines of tails.values()) {
    let key = '';
    for (const line of lines) {
      if (line.ts !== '') key = line.ts; // a line without a stamp sorts with the one before it
      all.push({ line, key, seq: seq++ });
    }
  }
  all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq));
  return all.map((x) => x.line);
}

/**
 * How far apart a line's stamp in the file and in the feed may be: both are taken in the same
 * call (the project hands each batch to the log files, then to the feed), so they differ by a
 * millisecond at most, unless a pause of the process falls right between them.
 */
const STAMP_SLACK_MS = 250;

function sameLine(file: LogLine, live: LogLine): boolean {
  if (file.text !== live.text || file.stream !== live.stream || file.step !== live.step) return false;
  const d = Date.parse(live.ts) - Date.parse(file.ts);
  return d >= -STAMP_SLACK_MS && d <= STAMP_SLACK_MS;
}

/**
 * How many of `live` (one unit's lines from the feed since it was subscribed, in order) the
 * unit's file already held when `file` (its last lines, in order) was read. The file holds
 * every line from before the feed, then the feed's first lines as far as they were written:
 * the answer is the longest start of `live` that `file` ends with.
 */
export function overlap(file: readonly LogLine[], live: readonly LogLine[]): number {
  for (let k = live.length; k > 0; k--) {
    const n = Math.min(k, file.length);
    if (n === 0) continue;
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = sameLine(file[file.length - n + i] as LogLine, live[k - n + i] as LogLine);
    if (ok) return k;
  }
  return 0;
}

/**
 * The history message and what follows it: the last `limit` lines of the files (merged by time),
 * then the feed's lines the files did not hold yet, in the order they came.
 */
export function joinHistory(
  tails: ReadonlyMap<string, readonly LogLine[]>,
  buffered: readonly LogLine[],
  limit: number,
): { history: LogLine[]; rest: LogLine[] } {
  const byUnit = new Map<string, LogLine[]>();
  for (const l of buffered) {
    const list = byUnit.get(l.unit);
    if (list) list.push(l);
    else byUnit.set(l.unit, [l]);
  }
  const skip = new Map<string, number>();
  for (const [unit, lines] of byUnit) skip.set(unit, overlap(tails.get(unit) ?? [], lines));
  const rest = buffered.filter((l) => {
    const left = skip.get(l.unit) ?? 0;
    if (left === 0) return true;
    skip.set(l.unit, left - 1);
    return false;
  });
  const merged = mergeByTime(tails);
  return { history: merged.slice(Math.max(0, merged.length - limit)), rest };
}
