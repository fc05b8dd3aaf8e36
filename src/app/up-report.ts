// What `up -d` says: the units it started (or what reconciling a running project did), and
// with `--wait`, whether everything came up, or why not with the failing units' last lines
// (from the project's memory, not its log files, which may not have caught up yet).
import { relative } from 'node:path';
import { printable } from '../base/printable.js';
import { formatDuration } from '../output/format.js';
import { readLogTail } from '../output/log-read.js';
import { ControlError, type ControlApi, type ProjectStatus, type ReloadResult } from '../control/api.js';
import type { ProjectPaths } from '../rundir/paths.js';
import { EXIT } from './exit-codes.js';
import type { Terminal } from './options.js';
import type { WaitVerdict } from './wait.js';

const LAST_LINES = 10;

/** The project's units after `up -d`, or what a reconcile of a running project changed; then `footer` (none when empty). */
export function printStarted(
  status: ProjectStatus,
  reconciled: ReloadResult | undefined,
  t: Terminal,
  footer = '  procs ps · procs logs -f · procs down',
): void {
  const out: string[] = [];
  if (reconciled) {
    const did = [...reconciled.actions, ...reconciled.started.map((u) => `start ${u}`)];
    out.push(
      `procs: ${printable(status.project)} is already running (pid ${status.pid}); ${did.length > 0 ? `reconciled: ${did.join(', ')}` : 'nothing to change'}`,
    );
    if (reconciled.switched) out.push(switchedNotice(status.root, reconciled.switched));
    for (const w of reconciled.warnings) t.err.write(`${w}\n`);
  } else {
    out.push(`procs: started ${printable(status.project)} in the background (pid ${status.pid})`);
    const width = Math.max(4, ...status.units.map((u) => u.name.length));
    for (const u of status.units) out.push(`  ${u.name.padEnd(width)}  ${u.state.padEnd(8)}  ${u.pid === null ? '' : `pid ${u.pid}`}`.trimEnd());
  }
  if (footer !== '') out.push(footer);
  t.out.write(`${out.join('\n')}\n`);
}

/** `procs: now running procs.yaml instead of Procfile` (paths relative to the project). */
export function switchedNotice(root: string, switched: NonNullable<ReloadResult['switched']>): string {
  const names = (files: readonly string[]): string => files.map((f) => relative(root, f) || f).join(' + ') || 'no file';
  return `procs: now running ${names(switched.to)} instead of ${names(switched.from)}`;
}

/**
 * `up -d --json`: the project as one JSON line, in the shape of `procs ps --json` plus the
 * daemon's pid (and, for a running project, what reconciling it did).
 */
export function printStartedJson(status: ProjectStatus, reconciled: ReloadResult | undefined, t: Terminal): void {
  for (const w of reconciled?.warnings ?? []) t.err.write(`${w}\n`);
  const doc = {
    project: status.project,
    pid: status.pid,
    files: status.files,
    ...(reconciled
      ? { reconciled: { actions: reconciled.actions, started: reconciled.started, ...(reconciled.switched ? { switched: reconciled.switched } : {}) } }
      : {}),
    units: status.units,
  };
  t.out.write(`${JSON.stringify(doc)}\n`);
}

/**
 * `up -d --wait --json`: after the events (printed as they came), one last line with the
 * verdict — `ready`, the reason when not, and the last lines of the units that failed.
 */
export async function printVerdictJson(v: WaitVerdict, api: ControlApi, paths: ProjectPaths, t: Terminal, startedAt = Date.now()): Promise<number> {
  if (v.kind === 'ready') {
    t.out.write(`${JSON.stringify({ ready: true, units: v.units.map((u) => u.name), durationMs: Date.now() - startedAt })}\n`);
    return EXIT.ok;
  }
  const units = v.units.slice(0, 5);
  const tails = await lastLines(api, paths, units);
  const lastLinesOf = Object.fromEntries(units.map((u) => [u, (tails.get(u) ?? []).map((l) => l.text)]));
  t.out.write(`${JSON.stringify({ ready: false, reason: v.reason, units: v.units, lastLines: lastLinesOf })}\n`);
  return EXIT.failed;
}

/** Says how a `--wait` ended; returns the exit code (1 unless everything came up). */
export async function printVerdict(v: WaitVerdict, api: ControlApi, paths: ProjectPaths, t: Terminal, startedAt = Date.now()): Promise<number> {
  if (v.kind === 'ready') {
    t.out.write(`procs: ${v.units.length} ${v.units.length === 1 ? 'unit' : 'units'} up (${formatDuration(Date.now() - startedAt)})\n`);
    return EXIT.ok;
  }
  const lines = [`procs up: ${v.reason}`];
  const units = v.units.slice(0, 5);
  const tails = await lastLines(api, paths, units);
  for (const unit of units) {
    const tail = tails.get(unit) ?? [];
    if (tail.length === 0) continue;
    lines.push(`last lines of ${unit}:`, ...tail.map((l) => `  ${unit} | ${l.text}`));
  }
  t.err.write(`${lines.join('\n')}\n`);
  return EXIT.failed;
}

/**
 * The units' last lines, asked of the project: it keeps them in memory and has read every line
 * of a unit before it says the unit ended, while its log files are written behind and may still
 * lack the very lines that explain a failure. Read from the log files only when the project
 * cannot answer (it has gone, and closing wrote them out).
 */
async function lastLines(api: ControlApi, paths: ProjectPaths, units: readonly string[]): Promise<Map<string, readonly { text: string }[]>> {
  if (units.length === 0) return new Map();
  try {
    const { units: tails } = await api.tail(units, LAST_LINES);
    return new Map(tails.map((t) => [t.unit, t.lines]));
  } catch (err) {
    if (!(err instanceof ControlError)) throw err;
    return new Map(await Promise.all(units.map(async (u) => [u, await readLogTail(paths.logs, u, LAST_LINES)] as const)));
  }
}
