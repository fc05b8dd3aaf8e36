// `procs why --startup`: the critical chain of a run told the way systemd-analyze critical-chain
// does (the unit up last on top, what it waited for under it), the time to all-up and the units
// that came up much slower than usual; and the same as JSON.
import type { StartupAnalysis, UnitStartup } from './critical-chain.js';
import { slowText, type SlowUnit } from './critical-chain-history.js';
import { formatDuration } from './format.js';

/** `@1.2s`: an offset from the run's start, always in seconds so the column reads evenly. */
function at(ms: number): string {
  return `@${(ms / 1000).toFixed(ms < 10_000 ? 3 : 1)}s`;
}

function chainRow(r: UnitStartup): string {
  const when = r.spawnedMs === null ? '' : ` ${at(r.spawnedMs)}`;
  const took = r.tookMs === null ? '' : ` +${formatDuration(r.tookMs)}`;
  return `${r.unit}${when}${took}${r.how && r.how !== 'ready' ? ` (${r.how})` : ''}`;
}

/** The text of `procs why --startup`. */
export function startupText(a: StartupAnalysis, slow: readonly SlowUnit[]): string {
  const lines: string[] = [];
  if (a.allUpMs === null) {
    const notUp = a.units.filter((r) => r.spawnedMs !== null && r.upMs === null).map((r) => r.unit);
    lines.push(
      notUp.length > 0 ? `the last startup did not finish: not up: ${notUp.join(', ')}` : 'the last run started no unit',
      ...a.units.filter((r) => r.upMs !== null).map((r) => `${chainRow(r)}`),
    );
    return `${lines.join('\n')}\n`;
  }
  const n = a.units.filter((r) => r.upMs !== null).length;
  lines.push('The time a unit was spawned is after "@", the time it took to come up after "+".', '');
  // The unit up last on top, each one it waited for under it, indented.
  [...a.chain].reverse().forEach((r, i) => lines.push(`${i === 0 ? '' : `${' '.repeat(2 * (i - 1))}└─`}${chainRow(r)}`));
  lines.push('', `all ${n} unit${n === 1 ? '' : 's'} up in ${formatDuration(a.allUpMs)}`);
  for (const s of slow) lines.push(`slow: ${slowText(s)}`);
  return `${lines.join('\n')}\n`;
}

function unitJson(r: UnitStartup): Record<string, unknown> {
  return { unit: r.unit, spawned_ms: r.spawnedMs, up_ms: r.upMs, took_ms: r.tookMs, how: r.how };
}

/** The JSON of `procs why --startup --json`. */
export function startupJson(a: StartupAnalysis, slow: readonly SlowUnit[], complete: boolean): Record<string, unknown> {
  return {
    started_at: a.startedAt,
    complete,
    all_up_ms: a.allUpMs,
    chain: a.chain.map(unitJson),
    units: a.units.filter((r) => r.spawnedMs !== null || r.upMs !== null).map(unitJson),
    slow: slow.map((s) => ({ unit: s.unit, took_ms: s.tookMs, median_ms: s.medianMs, slower_percent: s.slowerPercent, runs: s.runs, text: slowText(s) })),
  };
}
