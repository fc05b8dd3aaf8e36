// The CI report of a run: the facts gathered from a ReportSource, turned into Markdown
// (output/report-md.ts), appended to `$GITHUB_STEP_SUMMARY` and, with `--report DIR`, written
// with the post-mortem bundle (report-files.ts). Written once the run has its answer, before
// anything is torn down, so the states are the ones that mattered. A report that cannot be
// written is said on stderr and changes nothing else.
import { appendFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { closure } from '../config/graph.js';
import type { Spec } from '../config/spec.js';
import type { ProcsEvent } from '../events/types.js';
import type { UnitRow } from '../events/unit-row.js';
import { printable } from '../base/printable.js';
import { analyzeStartup } from '../output/critical-chain.js';
import type { Why } from '../output/why.js';
import { reportMarkdown, REPORT_LINES, type ReportCommand, type ReportFacts, type ReportUnit } from '../output/report-md.js';
import type { ReportRequest } from './options.js';
import { writeBundle } from './report-files.js';
import { projectSource, runningSource, type ReportSource } from './report-source.js';
import type { Project } from './project.js';
import type { RunRequest } from './run-command.js';
import type { ControlApi } from '../control/api.js';
import { projectPaths } from '../rundir/paths.js';
import { isUp, oneShotSteps, type WaitVerdict } from './wait.js';
import type { WaitResult } from './run-wait.js';

/** How the run ended, in the report's words. */
export interface ReportOutcome {
  readonly title: string;
  readonly ok: boolean;
  readonly outcome: string;
  readonly command?: ReportCommand;
  /** The units the run brought up and their dependencies; undefined: every unit that starts by default. */
  readonly wanted: ReadonlySet<string> | undefined;
}

/** `exit` as a table cell says it: `code 3`, `SIGKILL`; null when the unit has not exited. */
function exitCell(exit: UnitRow['exit']): string | null {
  if (exit.code !== null) return `code ${exit.code}`;
  return exit.signal;
}

/** Gathers the facts and writes the report where `request` says; never throws. */
export async function writeReport(source: ReportSource, spec: Spec, request: ReportRequest, o: ReportOutcome, err: Writable): Promise<void> {
  if (request.dir === undefined && request.summaryFile === undefined) return;
  let facts: ReportFacts;
  let events: readonly ProcsEvent[];
  let whys: readonly Why[] = [];
  try {
    const rows = (await source.rows()).filter(
      (r) => r.kind !== 'watch' && r.state !== 'inactive' && (!o.wanted || o.wanted.has(r.name) || (r.pool !== null && o.wanted.has(r.pool))),
    );
    events = await source.events();
    const startup = new Map(analyzeStartup(events, spec.units).units.map((u) => [u.unit, u]));
    const oneShot = oneShotSteps(spec);
    const notUp = new Set(rows.filter((r) => !isUp(r, oneShot(r))).map((r) => r.name));
    const lines = await source.lastLines([...notUp]);
    const units: ReportUnit[] = rows.map((r) => ({
      unit: r.name,
      state: r.state,
      reason: r.reason,
      readyMs: startup.get(r.name)?.upMs ?? null,
      restarts: r.restarts,
      exit: exitCell(r.exit),
      notUp: notUp.has(r.name),
      lastLines: (lines.get(r.name) ?? []).slice(-REPORT_LINES),
    }));
    facts = { title: o.title, project: spec.project, ok: o.ok, outcome: o.outcome, units, ...(o.command ? { command: o.command } : {}) };
    // Asked now, with the states above, before the units move on while files are written.
    if (request.dir !== undefined && notUp.size > 0) whys = await source.why([...notUp]);
  } catch (e) {
    err.write(`procs: cannot gather the report: ${printable(e instanceof Error ? e.message : String(e))}\n`);
    return;
  }
  const markdown = reportMarkdown(facts);
  if (request.summaryFile !== undefined) {
    try {
      await appendFile(request.summaryFile, markdown, { mode: 0o600 });
    } catch (e) {
      err.write(`procs: cannot append the report to ${printable(request.summaryFile)}: ${printable(e instanceof Error ? e.message : String(e))}\n`);
    }
  }
  if (request.dir !== undefined) {
    await writeBundle(request.dir, { markdown, events, units: facts.units.map((u) => u.unit), whys, spec, source, request }, err);
  }
}

/** `procs run`'s report: after CMD ended (or the wait failed and CMD did not run), before teardown. */
export async function reportRun(
  project: Project,
  request: ReportRequest,
  r: RunRequest,
  waited: WaitResult | undefined,
  status: number | undefined,
  code: number,
  err: Writable,
): Promise<void> {
  await writeReport(projectSource(project), project.spec, request, runOutcome(r, project.spec, waited, status, code), err);
}

/** `up --wait`'s report, once the wait has its verdict: the project asked on its socket. */
export async function reportWait(api: ControlApi, spec: Spec, request: ReportRequest, v: WaitVerdict, units: readonly string[], err: Writable): Promise<void> {
  await writeReport(runningSource(api, projectPaths(spec.root).dir, spec.files), spec, request, waitOutcome(v, units, spec), err);
}

/** How `procs run` ended, for its report. */
export function runOutcome(r: RunRequest, spec: Spec, waited: WaitResult | undefined, status: number | undefined, code: number): ReportOutcome {
  const text = r.cmd.join(' ');
  const wanted = r.names.length === 0 ? new Set<string>() : closure(r.names, spec.units);
  const base = { title: 'procs run', ok: code === 0, wanted, command: { text, status: status ?? null } };
  if (waited && !waited.ok) return { ...base, outcome: `${waited.unit ? `${waited.unit} ${waited.reason}` : waited.reason}; the command did not run` };
  if (status === undefined) return { ...base, outcome: `interrupted before the command ran (exit ${code})` };
  return { ...base, outcome: `the command exited with status ${status}${code !== status ? `; procs exits ${code}` : ''}` };
}

/** How `up --wait` ended, for its report. */
export function waitOutcome(v: WaitVerdict, units: readonly string[], spec: Spec): ReportOutcome {
  const wanted = units.length === 0 ? undefined : closure(units, spec.units);
  if (v.kind === 'ready') return { title: 'procs up --wait', ok: true, outcome: `${v.units.length} ${v.units.length === 1 ? 'unit' : 'units'} up`, wanted };
  return { title: 'procs up --wait', ok: false, outcome: v.reason, wanted };
}
