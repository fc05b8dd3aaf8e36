// `procs logs` reads each unit's last lines from its log file and shows them merged in time
// order; with `-f` it has subscribed to the live feed first, so lines written while the files
// were read arrive twice: once from the file, once live. These pure helpers merge the tails
// and drop those live duplicates.
import type { LogLine } from '../output/log-read.js';
import type { LiveBatch } from '../control/api.js';

export interface UnitLine extends LogLine {
  readonly unit: string;
}

/** Every unit's lines in one list ordered by time; a unit's own order is kept on ties. */
export function mergeByTime(tails: ReadonlyMap<string, readonly LogLine[]>): UnitLine[] {
  const all: { line: UnitLine; key: string; seq: number }[] = [];
  let seq = 0;
  for (const [unit, lines] of tails) {
    let key = '';
    for (const line of lines) {
      if (line.ts !== '') key = line.ts; // a line not in the log format sorts with the one before it
      all.push({ line: { ...line, unit }, key, seq: seq++ });
    }
  }
  all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq));
  return all.map((x) => x.line);
}

/** How far apart (ms) a file line and a live line may be stamped and still be the same line. */
const SAME_LINE_MS = 2000;

/**
 * Drops from the live batches received while the tails were read the lines the tails already
 * show: same unit, same text, stamped within a moment of each other. Each tail line cancels
 * at most one live line.
 */
export function withoutShown(live: readonly LiveBatch[], shown: readonly UnitLine[]): LiveBatch[] {
  const unseen = shownFilter(shown);
  return live.map(unseen).filter((b): b is LiveBatch => b !== undefined);
}

/** `withoutShown` one batch at a time, in order: the batch without the lines shown, or undefined when none is left. */
export function shownFilter(shown: readonly UnitLine[]): (batch: LiveBatch) => LiveBatch | undefined {
  const pending = new Map<string, number[]>();
  for (const l of shown) {
    const key = `${l.unit}\0${l.text}`;
    const t = Date.parse(l.ts);
    if (Number.isNaN(t)) continue;
    const list = pending.get(key);
    if (list) list.push(t);
    else pending.set(key, [t]);
  }
  return (batch) => {
    const t = Date.parse(batch.ts);
    const kept = splitLines(batch.text).filter((text) => {
      const list = pending.get(`${batch.unit}\0${text}`);
      const i = list ? list.findIndex((s) => Math.abs(s - t) <= SAME_LINE_MS) : -1;
      if (i < 0 || !list) return true;
      list.splice(i, 1);
      return false;
    });
    return kept.length > 0 ? { ...batch, text: kept.map((x) => `${x}\n`).join('') } : undefined;
  };
}

/** The lines of a batch's text, without their newlines. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
