// Gathering the facts `procs why` reads: on a running project (in the procs that runs it, from
// its memory, or asked over its control socket), or after the fact, from the files the last run
// left: `.procs/events.ndjson` (its rotations too) and `.procs/logs/`.
import type { Spec } from '../config/spec.js';
import { ControlError } from '../control/api.js';
import { readLastRun } from '../events/read.js';
import { readLogTail } from '../output/log-read.js';
import { explain } from '../output/why-explain.js';
import { foldRows } from '../output/why-facts.js';
import type { Why } from '../output/why.js';
import { projectPaths } from '../rundir/paths.js';
import { rowsOf } from './rows.js';
import { loadProjectSpec } from './load.js';
import { clientFor, locateRoot } from './locate.js';
import type { Project } from './project.js';
import { explainLive, specFacts, WHY_LINES, whyNames } from './why-gather.js';

/**
 * Why of each named unit (every unit that is not up, when none is named) of a project this procs
 * runs. Probe answers come from the run's probe events (the rows of the supervisor carry none).
 */
export async function explainProject(project: Project, names: readonly string[] = []): Promise<readonly Why[]> {
  const rows = [...rowsOf(project.supervisor.status(), project.supervisor.specs, project.probes), ...project.watch.rows()];
  return explainLive(project, rows, names);
}

/** Why of each named unit (every unit that is not up, when none is named) of the project running from the spec files `files`, asked over its control socket. */
export async function explainRunning(files: readonly string[], names: readonly string[] = []): Promise<readonly Why[]> {
  return (await clientFor(files).client.why(names)).units;
}

/** What `why` found after the fact: the explanations, and when the run they come from began. */
export interface PastWhy {
  readonly units: readonly Why[];
  /** The last run's `start` event time (ISO-8601), when the files still hold it. */
  readonly started_at: string | null;
}

/**
 * Why of each named unit (every unit that is not up, when none is named) in the last run of the
 * project of `files`, from its files. The spec, when it still loads, gives the dependencies; a
 * spec that no longer loads is done without.
 */
export async function explainPast(files: readonly string[], names: readonly string[] = [], now = Date.now()): Promise<PastWhy> {
  const root = locateRoot(files);
  if (root === undefined) throw new ControlError('not-running', `no procs project in ${process.cwd()} or any folder above it`);
  const paths = projectPaths(root);
  const { events } = await readLastRun(paths.dir);
  const spec = await specIfItLoads(files);
  // Nothing to tell from: a project that never ran here (or whose event log is gone).
  if (events.length === 0) throw new ControlError('not-running', `no procs project is running in ${root}, and no run of it is recorded (.procs/events.ndjson)`);
  const specUnits = specFacts(spec);
  const start = events[0]?.type === 'start' ? events[0].ts : null;
  const known = spec?.units.map((u) => u.name) ?? [];
  const folded = foldRows(events, known);
  // The spec gives instances their pool, so a pool's name stands for them.
  const pools = new Map(spec?.units.flatMap((u) => (u.kind === 'instance' && u.pool ? [[u.name, u.pool] as const] : [])) ?? []);
  const rows = folded.map((r) => (pools.has(r.name) ? { ...r, kind: 'instance' as const, pool: pools.get(r.name) ?? null } : r));
  const wanted = whyNames(names, rows, specUnits, spec?.pools.map((p) => p.name) ?? []);
  const sinceMs = start === null ? undefined : Date.parse(start);
  const lines = new Map<string, readonly string[]>();
  for (const r of rows) {
    if (r.state !== 'failed' && r.state !== 'backoff') continue;
    const tail = await readLogTail(paths.logs, r.name, WHY_LINES, undefined, sinceMs).catch(() => []);
    lines.set(
      r.name,
      tail.map((l) => l.text),
    );
  }
  const facts = { units: rows, spec: specUnits, events, lines, now, live: false };
  return { units: wanted.map((name) => explain(facts, name)), started_at: start };
}

async function specIfItLoads(files: readonly string[]): Promise<Spec | undefined> {
  try {
    return (await loadProjectSpec({ files, formation: undefined })).spec;
  } catch {
    return undefined;
  }
}
