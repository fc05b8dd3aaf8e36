// The `ps` table: NAME STATE PID RESTARTS UPTIME EXIT HEALTH, one row per unit (and per watch
// rule), columns padded; with the units' usage, CPU MEM PSS after PID and a TOTAL line. Pure:
// rows, usage and "now" in, text out.
import { signalWithStatus } from '../events/exit.js';
import { clockTimeOf, formatDuration } from '../output/format.js';
import type { UnitRow, UsageFigures, UsageResult, WatchInfo } from '../control/api.js';
import type { ScheduleInfo } from '../events/unit-row.js';
import { sum } from './usage.js';

const HEADER = ['NAME', 'STATE', 'PID', 'RESTARTS', 'UPTIME', 'EXIT', 'HEALTH'] as const;
/** Where the usage columns go: after PID. */
const USAGE_AT = 3;
const USAGE_HEADER = ['CPU', 'MEM', 'PSS'] as const;

/**
 * The table as lines of text (no trailing newline); a pool's row before its instances sums them
 * up. With `usage`, each unit's CPU and memory, and a last line adding them up.
 */
export function psTable(units: readonly UnitRow[], now: number, usage?: UsageResult): string {
  const byName = new Map((usage?.units ?? []).map((u) => [u.name, u]));
  const withUsage = (cells: readonly string[], figures: UsageFigures | undefined): readonly string[] =>
    usage === undefined ? cells : [...cells.slice(0, USAGE_AT), ...usageCells(figures), ...cells.slice(USAGE_AT)];
  const rows: (readonly string[])[] = [usage === undefined ? HEADER : [...HEADER.slice(0, USAGE_AT), ...USAGE_HEADER, ...HEADER.slice(USAGE_AT)]];
  const seenPools = new Set<string>();
  for (const u of units) {
    if (u.pool !== null && !seenPools.has(u.pool)) {
      seenPools.add(u.pool);
      const instances = units.filter((i) => i.pool === u.pool);
      const used = instances.flatMap((i) => byName.get(i.name) ?? []);
      rows.push(withUsage(poolCells(u.pool, instances), used.length > 0 ? sum(used) : undefined));
    }
    const cells = psCells(u, now);
    rows.push(withUsage(u.pool !== null ? ['  ' + u.name, ...cells.slice(1)] : cells, byName.get(u.name)));
  }
  if (usage !== undefined) rows.push(['TOTAL', ...HEADER.slice(1, USAGE_AT).map(() => ''), ...usageCells(usage.total)]);
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** One unit's cells. */
function psCells(u: UnitRow, now: number): string[] {
  if (u.watch !== undefined) return watchCells(u, u.watch, now);
  const health = healthText(u.health, u.status ?? null);
  if (u.schedule !== undefined) {
    const [state, last] = scheduleTexts(u.state, u.schedule, now);
    return [
      u.name,
      state,
      u.pid === null ? '-' : String(u.pid),
      String(u.restarts),
      uptime(u, now),
      exitText(u.exit),
      health === '-' ? last : `${health}, ${last}`,
    ];
  }
  // An inactive unit says why: `inactive (profile seed not active)`, `inactive (enabled: false)`.
  const state = u.state === 'inactive' && u.reason ? `inactive (${u.reason})` : u.state;
  return [u.name, state, u.pid === null ? '-' : String(u.pid), String(u.restarts), uptime(u, now), exitText(u.exit), health];
}

/**
 * A scheduled unit's state with its next run (`scheduled (next 14:20:00)`, a date when it is a day
 * or more away), and how its last run went in place of health (`last run ok at 14:10:00`).
 */
function scheduleTexts(state: string, s: ScheduleInfo, now: number): [string, string] {
  const next = s.next_run === null ? NaN : Date.parse(s.next_run);
  const when = Number.isNaN(next) ? '' : next - now < 86_400_000 ? clockTimeOf(s.next_run ?? '') : (s.next_run ?? '').slice(0, 16).replace('T', ' ') + ' UTC';
  const last = s.last_run === null ? 'no run yet' : `last run ${s.last_run.ok ? 'ok' : 'failed'} at ${clockTimeOf(s.last_run.ended_at)}`;
  const skipped = s.skipped > 0 ? `, ${s.skipped} skipped` : '';
  const beside = s.beside > 0 ? `, ${s.beside} more running` : '';
  return [when === '' ? state : `${state} (next ${when})`, last + skipped + beside];
}

const ACTIVITY: Readonly<Record<WatchInfo['activity'], string>> = {
  idle: '',
  waiting: 'changes seen',
  sync: 'syncing',
  run: 'building',
  restart: 'restarting targets',
};

/**
 * A watch rule's cells: its state with what it is doing (`running (building, 1 queued)`), the
 * pid of its `run`, the runs changes started, how long it has watched, the last `run`'s exit,
 * and how the last run went in place of health.
 */
function watchCells(u: UnitRow, w: WatchInfo, now: number): string[] {
  const doing = [ACTIVITY[w.activity], w.queued ? '1 queued' : ''].filter((t) => t !== '');
  const state = doing.length > 0 ? `${u.state} (${doing.join(', ')})` : u.state;
  const watching = u.state === 'running' || u.state === 'starting';
  const since = u.started_at === null ? NaN : Date.parse(u.started_at);
  const up = watching && !Number.isNaN(since) ? formatDuration(Math.max(0, now - since)) : '-';
  const last = w.last_run?.ok === true ? 'last run ok' : w.last_run?.ok === false ? 'last run failed' : '-';
  return [u.name, state, u.pid === null ? '-' : String(u.pid), String(u.restarts), up, exitText(u.exit), last];
}

/** A pool's summary row: `worker  running 3/4` (how many instances are up, and the other states). */
function poolCells(pool: string, instances: readonly UnitRow[]): string[] {
  const up = instances.filter((i) => i.state === 'running' || i.state === 'ready').length;
  const others = new Map<string, number>();
  for (const i of instances) if (i.state !== 'running' && i.state !== 'ready') others.set(i.state, (others.get(i.state) ?? 0) + 1);
  const rest = [...others].map(([state, n]) => `${n} ${state}`);
  const state = `${up}/${instances.length} up${rest.length > 0 ? ` (${rest.join(', ')})` : ''}`;
  const restarts = instances.reduce((n, i) => n + i.restarts, 0);
  return [pool, state, '-', String(restarts), '-', '-', '-'];
}

/** Rows as `ps --json` shows them with usage: each with its figures (null when it does not run). */
export function rowsWithUsage(units: readonly UnitRow[], usage: UsageResult): (UnitRow & UsageFigures)[] {
  const byName = new Map(usage.units.map((u) => [u.name, u]));
  return units.map((u) => {
    const f = byName.get(u.name);
    return { ...u, cpu_percent: f?.cpu_percent ?? null, rss_bytes: f?.rss_bytes ?? null, pss_bytes: f?.pss_bytes ?? null };
  });
}

/** CPU, RSS and PSS cells; `-` for what is not known (a unit that does not run). */
function usageCells(f: UsageFigures | undefined): string[] {
  const cpu = f?.cpu_percent ?? null;
  const rss = f?.rss_bytes ?? null;
  const pss = f?.pss_bytes ?? null;
  return [cpu === null ? '-' : `${cpu.toFixed(1)}%`, rss === null ? '-' : formatBytes(rss), pss === null ? '-' : formatBytes(pss)];
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** A size in binary units, one decimal: `512 B`, `12.3 MiB`, `1.5 GiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  let value = n / 1024;
  let unit = 0;
  while (value >= 1023.95 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit] ?? 'TiB'}`;
}

/** How long the current run has been up; `-` when nothing runs. */
function uptime(u: UnitRow, now: number): string {
  if (u.pid === null || u.started_at === null) return '-';
  const since = Date.parse(u.started_at);
  return Number.isNaN(since) ? '-' : formatDuration(Math.max(0, now - since));
}

/** The last exit: its code, or the signal's name with the status a shell reports (128+N). */
export function exitText(exit: UnitRow['exit']): string {
  if (exit.signal !== null) return signalWithStatus(exit.signal);
  return exit.code === null ? '-' : String(exit.code);
}

/** Readiness and liveness in words: `ready`, `not ready`, `live`, `failing`; then the status line a unit announced. */
function healthText(h: UnitRow['health'], status: string | null): string {
  const parts: string[] = [];
  if (h.readiness !== null) parts.push(h.readiness === 'ok' ? 'ready' : 'not ready');
  if (h.liveness !== null) parts.push(h.liveness === 'ok' ? 'live' : h.liveness);
  if (status !== null && status !== '') parts.push(status);
  return parts.length > 0 ? parts.join(', ') : '-';
}
