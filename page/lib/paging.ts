// Which lines a log pane shows (its units, its filter) and the query for the lines older than
// the ones it holds (/api/logs' before/have paging), pure.
import type { LogLine } from '../../src/dashboard/protocol.js';
import { stripAnsi } from './ansi.js';
import { matches, type Filter } from './filter.js';

/** The pane of every unit. */
export const ALL = '*';

/**
 * Whether a line of `unit` belongs in pane `pane`: every line in `*`, a unit's own in its pane,
 * a pool's instances' in the pool's (`poolOf` gives an instance's pool).
 */
export function inPane(pane: string, unit: string, poolOf: (unit: string) => string | null | undefined): boolean {
  return pane === ALL || pane === unit || poolOf(unit) === pane;
}

/** Whether a line is shown in the pane with the filter. */
export function shown(pane: string, filter: Filter, poolOf: (unit: string) => string | null | undefined, line: LogLine): boolean {
  return inPane(pane, line.unit, poolOf) && matches(filter, stripAnsi(line.text));
}

/**
 * The /api/logs query for the `limit` lines before `held` (the lines the pane holds, oldest
 * first): before the oldest stamp held, skipping the lines held with exactly that stamp, counted
 * per unit. `held` must be every line the pane has of the newest ones since its oldest. When it
 * holds none, `before` (a stamp no line of the pane held is older than) bounds the query.
 */
export function olderQuery(pane: string, q: string, held: readonly Pick<LogLine, 'ts' | 'unit'>[], limit: number, before?: string): [string, string][] {
  const params: [string, string][] = [];
  if (pane !== ALL) params.push(['unit', pane]);
  if (held.length === 0 && before !== undefined) params.push(['before', before]);
  else if (held.length > 0) {
    let oldest = held[0]!.ts;
    for (const l of held) if (l.ts < oldest) oldest = l.ts;
    const have = new Map<string, number>();
    for (const l of held) if (l.ts === oldest) have.set(l.unit, (have.get(l.unit) ?? 0) + 1);
    params.push(['before', oldest]);
    for (const [unit, k] of have) params.push(['have', `${unit}:${k}`]);
  }
  params.push(['limit', String(limit)]);
  if (q !== '') params.push(['q', q]);
  return params;
}
