// Why a unit is in its state, from the facts procs keeps: its state and reason, the spec's
// dependencies, this run's events, probe answers and last lines. Pure.
// (Being written: the signatures below are the ones other modules use.)
import type { UnitState } from '../events/types.js';

/** What `procs why UNIT` says of one unit (`--json` prints this). */
export interface Why {
  readonly unit: string;
  /** `unknown` for a name the facts do not know. */
  readonly state: UnitState | 'unknown';
  /** One line: why it is in this state. */
  readonly summary: string;
}

export function whyText(why: Why, _options: { readonly color?: boolean } = {}): string {
  return `${why.unit} is ${why.state}: ${why.summary}\n`;
}
