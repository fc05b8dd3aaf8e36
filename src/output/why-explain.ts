// The reasoning of `procs why`: from the facts (unit rows, the spec's dependencies, this run's
// events, probe answers, last lines, now), why a unit is in its state, and for a pending or a
// skipped unit, why the unit it depends on is in its own, down the chain. Pure.
import type { ProbeResult } from '../events/types.js';
import type { UnitRow } from '../events/unit-row.js';
import { clockTimeOf, formatDuration } from './format.js';
import { killedText } from './phrases.js';
import { conditionMet, type WhyFacts } from './why-facts.js';
import { answerSince, causeLine, exitsOf, lastOf, restartedBy, sinceOf, stoppedBy } from './why-history.js';
import type { Why, WhyExit } from './why.js';

/** How many last lines a `why` shows. */
const LINES = 10;

const clock = clockTimeOf;

/** Why the unit `name` is in its state; `unknown` when the facts do not know it. */
export function explain(facts: WhyFacts, name: string): Why {
  return explainIn(facts, name, new Set());
}

function explainIn(facts: WhyFacts, name: string, seen: Set<string>): Why {
  const why = reasoned(facts, name, seen);
  return why.details?.length === 0 ? (({ details: _, ...rest }) => rest)(why) : why;
}

function reasoned(facts: WhyFacts, name: string, seen: Set<string>): Why {
  const row = facts.units.find((u) => u.name === name);
  if (!row) return { unit: name, state: 'unknown', summary: 'no unit of that name in this run' };
  seen.add(name);
  const base = common(facts, row);
  switch (row.state) {
    case 'pending':
      return { ...base, ...pending(facts, row, seen) };
    case 'skipped':
      return { ...base, ...skipped(facts, row, seen) };
    case 'backoff':
      return { ...base, ...backoff(facts, row) };
    case 'failed':
      return { ...base, ...failed(facts, row) };
    case 'running':
    case 'starting':
    case 'ready':
    case 'unhealthy':
      return { ...base, ...live(facts, row) };
    case 'stopping':
    case 'stopped':
      return { ...base, ...stopped(facts, row) };
    case 'completed': {
      const exit = base.exit;
      return { ...base, summary: exit ? `${exit.text}${exit.at ? ` at ${clock(exit.at)}` : ''}${durationOf(facts, row)}` : 'its run ended successfully' };
    }
    case 'inactive':
      return { ...base, summary: row.reason ?? 'not started by default, and not asked for' };
    case 'scheduled':
      return { ...base, ...scheduled(row) };
  }
}

type Part = Omit<Why, 'unit' | 'state'>;

/** What every `why` has: its state and since when, pid, restarts, last exit and probe answers. */
function common(facts: WhyFacts, row: UnitRow): Why & { summary: string } {
  const since = sinceOf(facts.events, row.name, row.state);
  const exits = exitsOf(facts.events, row.name);
  const exit: WhyExit | undefined =
    exits.at(-1) ??
    (row.exit.code !== null || row.exit.signal !== null ? { code: row.exit.code, signal: row.exit.signal, text: exitWords(row.exit) } : undefined);
  return {
    unit: row.name,
    state: row.state,
    summary: '',
    ...(since === undefined ? {} : { since }),
    ...(row.pid === null ? {} : { pid: row.pid }),
    restarts: row.restarts,
    ...(exit === undefined ? {} : { exit }),
    ...(row.probes && row.probes.length > 0 ? { probes: row.probes } : {}),
  };
}

function exitWords(exit: UnitRow['exit']): string {
  return exit.signal !== null ? `exited with signal ${exit.signal}` : `exited with code ${exit.code ?? 0}`;
}

/** ` after 1.2s`: how long the unit's last run took, from its exit event. */
function durationOf(facts: WhyFacts, row: UnitRow): string {
  const e = lastOf(facts.events, row.name, 'exit');
  return e ? ` after ${formatDuration(e.exit.durationMs)}` : '';
}

function lastLines(facts: WhyFacts, name: string): { lines?: readonly string[] } {
  const lines = facts.lines.get(name) ?? [];
  return lines.length > 0 ? { lines: lines.slice(-LINES) } : {};
}

function pending(facts: WhyFacts, row: UnitRow, seen: Set<string>): Part {
  const spec = facts.spec.get(row.name);
  for (const dep of spec?.dependsOn ?? []) {
    const target = facts.units.find((u) => u.name === dep.name);
    const hasReadiness = facts.spec.get(dep.name)?.readiness !== undefined;
    if (target && conditionMet(dep.condition, target.state, hasReadiness)) continue;
    const summary = `waiting for ${dep.name} (${dep.condition})`;
    const cause = seen.has(dep.name) ? undefined : explainIn(facts, dep.name, seen);
    return { summary, waiting_for: { unit: dep.name, condition: dep.condition }, ...(cause ? { cause } : {}) };
  }
  if (row.reason) return { summary: row.reason };
  if (facts.live) return { summary: 'waiting to start' };
  const end = projectEnd(facts);
  return { summary: `not started before procs stopped${end ? ` (${end})` : ''}` };
}

/** Why procs stopped every unit in this run, when it did. */
function projectEnd(facts: WhyFacts): string | undefined {
  for (let i = facts.events.length - 1; i >= 0; i--) {
    const e = facts.events[i];
    if (e?.type === 'stop' && e.unit === 'procs' && e.waiting === undefined && e.reason !== 'waiting') return e.reason;
  }
  return undefined;
}

const DEPENDENCY = /^dependency (\S+) /;

function skipped(facts: WhyFacts, row: UnitRow, seen: Set<string>): Part {
  const reason = row.reason ?? lastOf(facts.events, row.name, 'stop')?.reason ?? 'a dependency can no longer be met';
  const dep = DEPENDENCY.exec(reason)?.[1];
  const cause = dep === undefined || seen.has(dep) ? undefined : explainIn(facts, dep, seen);
  return { summary: reason, ...(cause && cause.state !== 'unknown' ? { cause } : {}) };
}

function backoff(facts: WhyFacts, row: UnitRow): Part {
  const b = lastOf(facts.events, row.name, 'backoff');
  const exits = exitsOf(facts.events, row.name);
  const last = exits.at(-1);
  if (!b) return { summary: `waiting to restart${last ? ` after it ${last.text}` : ''}`, ...lastLines(facts, row.name) };
  const until = new Date(Date.parse(b.ts) + b.delayMs).toISOString();
  const max = b.maxRestarts ?? facts.spec.get(row.name)?.maxRestarts;
  const of = max === undefined ? '' : ` of ${max}`;
  const left = Date.parse(until) - facts.now;
  const inWords = facts.live && left > 0 ? ` (in ${formatDuration(left)})` : '';
  return {
    summary: `restarting at ${clock(until)}${inWords}, attempt ${b.attempt}${of}, after it ${last?.text ?? 'exited'}`,
    backoff: { until, attempt: b.attempt, max_restarts: max ?? null },
    details: exitList(exits),
    ...lastLines(facts, row.name),
  };
}

/** `exits: 3 in this run, the last ones at 18:50:10, 18:50:11 (exited with code 1)`. */
function exitList(exits: readonly WhyExit[]): string[] {
  if (exits.length === 0) return [];
  const recent = exits.slice(-5);
  const same = recent.every((x) => x.text === recent[0]?.text);
  const items = recent.map((x) => (same ? clock(x.at ?? '') : `${clock(x.at ?? '')} ${x.text}`)).join(', ');
  const plural = exits.length === 1 ? '' : 's';
  return [`${exits.length} exit${plural} in this run${same ? ` (${recent[0]?.text ?? ''})` : ''}: ${exits.length > recent.length ? '…, ' : ''}${items}`];
}

function failed(facts: WhyFacts, row: UnitRow): Part {
  const reason = row.reason ?? lastOf(facts.events, row.name, 'failed')?.reason;
  const exits = exitsOf(facts.events, row.name);
  const last = exits.at(-1);
  const summary = reason ?? last?.text ?? 'its run failed';
  const details = [
    ...(row.restarts > 0 ? [`failed after ${row.restarts} restart${row.restarts === 1 ? '' : 's'}`] : []),
    ...(last ? [`last exit: ${last.text}${last.at ? ` at ${clock(last.at)}` : ''}${durationOf(facts, row)}`] : []),
  ];
  return { summary, details, ...lastLines(facts, row.name) };
}

function live(facts: WhyFacts, row: UnitRow): Part {
  const spec = facts.spec.get(row.name);
  const since = sinceOf(facts.events, row.name, row.state) ?? row.started_at ?? undefined;
  const at = since ? ` since ${clock(since)}` : '';
  const pid = row.pid === null ? '' : ` (pid ${row.pid})`;
  const restarted = restartedBy(facts.events, row.name);
  // The probe answer the summary tells is not repeated below it.
  const told = row.state === 'unhealthy' ? latest(row.probes, 'liveness') : row.state === 'running' ? latest(row.probes, 'readiness') : undefined;
  const others = told && !told.ok ? probeLines(facts, row, told) : probeLines(facts, row);
  const details = [...(restarted ? [causeLine('restarted', restarted, clock)] : []), ...others];
  const base = { details, ...(restarted ? { restarted } : {}) };
  if (row.state === 'unhealthy') {
    const failing = latest(row.probes, 'liveness');
    const reason = lastOf(facts.events, row.name, 'unhealthy')?.reason ?? row.reason;
    const summary = failing && !failing.ok ? probeWords(facts, row.name, failing) : (reason ?? 'its liveness probe failed');
    return { ...base, summary };
  }
  if (row.state === 'starting') return { ...base, summary: `starting${at}` };
  if (row.state === 'ready') return { ...base, summary: `ready${at}${pid}` };
  const readiness = latest(row.probes, 'readiness');
  if (readiness === undefined && spec?.readiness === undefined) return { ...base, summary: `running${at}${pid}` };
  let summary: string;
  if (readiness === undefined) summary = `readiness probe ${spec?.readiness ?? ''} has not passed yet; running${at}${pid}`;
  else if (!readiness.ok) summary = probeWords(facts, row.name, readiness);
  else summary = `readiness probe ${readiness.check} ${readiness.target} passed${times(readiness.count)}, not yet enough times in a row`;
  return { ...base, label: 'running but not ready', summary };
}

function latest(probes: readonly ProbeResult[] | undefined, probe: ProbeResult['probe']): ProbeResult | undefined {
  return probes?.findLast((p) => p.probe === probe);
}

/** `readiness probe http GET http://…/health failing since 18:50:17: connect ECONNREFUSED 127.0.0.1:3000 (12 times)`. */
function probeWords(facts: WhyFacts, unit: string, r: ProbeResult): string {
  const since = answerSince(facts.events, unit, r);
  return `${r.probe} probe ${r.check} ${r.target} failing since ${clock(since)}: ${r.detail}${times(r.count)}`;
}

/** ` (12 times)`; nothing for one answer (answers read back from events are not counted). */
function times(n: number): string {
  return n > 1 ? ` (${n} times)` : '';
}

/** The probe answers kept, one line each: `readiness 18:50:17 failed: HTTP 503 (3 times)`. */
function probeLines(facts: WhyFacts, row: UnitRow, except?: ProbeResult): string[] {
  return (row.probes ?? [])
    .filter((p) => p !== except)
    .map((p) => {
      const since = answerSince(facts.events, row.name, p);
      return `${p.probe} ${p.check} ${p.target}: ${p.ok ? 'passed' : 'failed'} since ${clock(since)}${p.detail ? `: ${p.detail}` : ''}${times(p.count)}`;
    });
}

function stopped(facts: WhyFacts, row: UnitRow): Part {
  const by = stoppedBy(facts.events, row.name);
  const stop = lastOf(facts.events, row.name, 'stop');
  const forced = stop?.state === 'stopped' && stop.forced === true;
  const details = forced ? [killedText(stop.atOnce, stop.timeoutMs || undefined)] : [];
  if (by) {
    const signal = row.state === 'stopping' && stop?.signal ? ` (${stop.signal})` : '';
    const verb = row.state === 'stopping' ? `stopping${signal} since` : 'stopped at';
    const files = by.paths && by.paths.length > 0 ? `: ${by.paths.join(', ')} changed` : '';
    return { summary: `${verb} ${clock(by.at)} by ${by.by}${files}`, stopped: by, details };
  }
  const exit = exitsOf(facts.events, row.name).at(-1);
  if (exit) return { summary: `${exit.text}${exit.at ? ` at ${clock(exit.at)}` : ''} and was not restarted`, details };
  return { summary: row.reason ?? 'not running', details };
}

function scheduled(row: UnitRow): Part {
  const s = row.schedule;
  if (!s) return { summary: 'waiting for its next run' };
  const next = s.next_run ? `next run at ${clock(s.next_run)}` : 'no next run';
  const last = s.last_run;
  const details = last
    ? [`last run at ${clock(last.started_at ?? last.ended_at)}: ${last.ok ? 'succeeded' : `failed: ${last.reason ?? exitWords(last)}`}`]
    : ['no run yet'];
  if (s.skipped > 0) details.push(`${s.skipped} tick${s.skipped === 1 ? '' : 's'} skipped while a run went on`);
  return { summary: next, details };
}
