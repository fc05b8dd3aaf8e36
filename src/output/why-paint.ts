// The colours of `procs why`: the unit's name bold, its state in the colour of how it is doing.
import type { UnitState } from '../events/types.js';
import { sgr } from './colors.js';

const OF: Readonly<Partial<Record<UnitState | 'unknown' | 'bold' | 'dim', string>>> = {
  bold: sgr.bold,
  dim: sgr.dim,
  ready: sgr.green,
  running: sgr.green,
  completed: sgr.green,
  scheduled: sgr.cyan,
  pending: sgr.yellow,
  starting: sgr.yellow,
  backoff: sgr.yellow,
  stopping: sgr.yellow,
  unhealthy: sgr.red,
  failed: sgr.red,
  skipped: sgr.red,
  unknown: sgr.red,
};

/** `text` in the colour of `kind` (a state, `bold` or `dim`) when `color`, else as it is. */
export function paint(text: string, kind: UnitState | 'unknown' | 'bold' | 'dim', color: boolean): string {
  const code = OF[kind];
  return color && code !== undefined ? `${code}${text}${sgr.reset}` : text;
}
