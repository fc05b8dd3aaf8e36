// The facts `procs why` reasons from, gathered in the procs that runs the project: its units as
// `ps` shows them, the spec's dependencies and probes, this run's events and each unit's last
// lines, all from its memory.
import { resolveDependency } from '../config/graph.js';
import type { Spec } from '../config/spec.js';
import { isUpState, type ProcsEvent } from '../events/types.js';
import type { UnitRow } from '../events/unit-row.js';
import type { TailLine } from '../output/tail.js';
import { explain } from '../output/why-explain.js';
import { probesFrom, type WhySpecUnit } from '../output/why-facts.js';
import type { Why } from '../output/why.js';
import { resolveUnits } from './names.js';
import { shownTarget } from '../health/target.js';

/** What a running project offers `why`. */
export interface WhySource {
  readonly spec: Spec;
  /** This run's events in memory; a project without them (tests) has none. */
  readonly recent?: { list(): readonly ProcsEvent[] };
  readonly tail: { lines(unit: string): readonly TailLine[] };
}

/** How many last lines of each unit `why` is given. */
export const WHY_LINES = 10;

/** What the spec says of each unit that `why` needs: dependencies (pools resolved), probes, restart bound. */
export function specFacts(spec: Spec | undefined): Map<string, WhySpecUnit> {
  const out = new Map<string, WhySpecUnit>();
  for (const u of spec?.units ?? []) {
    const { readiness, liveness } = u.health;
    out.set(u.name, {
      dependsOn: u.dependsOn.flatMap((d) => resolveDependency(d.name, spec?.units ?? []).map((t) => ({ name: t.name, condition: d.condition }))),
      // As probe answers show it (`http GET http://…/health`), whether or not one has come yet.
      ...(readiness ? { readiness: `${readiness.check.kind} ${shownTarget(readiness.check)}` } : {}),
      ...(liveness ? { liveness: `${liveness.check.kind} ${shownTarget(liveness.check)}` } : {}),
      maxRestarts: u.restart.maxRestarts,
    });
  }
  return out;
}

/**
 * The names `why` explains: the named ones (a pool names its instances; an unknown name is an
 * `unknown-unit` error with a did-you-mean), or, none named, every unit that is not up.
 */
export function whyNames(names: readonly string[], rows: readonly UnitRow[], spec: ReadonlyMap<string, WhySpecUnit>, pools: readonly string[]): string[] {
  if (names.length > 0) return resolveUnits(names, rows, pools);
  return rows
    .filter((r) => r.kind !== 'watch' && r.state !== 'completed' && r.state !== 'inactive' && !isUpState(r.state, spec.get(r.name)?.readiness !== undefined))
    .map((r) => r.name);
}

/** A row that does not carry probe answers gets them from the run's probe events (repeats uncounted). */
function withProbeEvents(row: UnitRow, events: readonly ProcsEvent[]): UnitRow {
  if (row.probes !== undefined) return row;
  const probes = probesFrom(events, row.name);
  return probes.length > 0 ? { ...row, probes } : row;
}

/** Why of each of `names` on a running project whose units are `rows`. */
export function explainLive(source: WhySource, rows: readonly UnitRow[], names: readonly string[], now = Date.now()): Why[] {
  const spec = specFacts(source.spec);
  const wanted = whyNames(
    names,
    rows,
    spec,
    source.spec.pools.map((p) => p.name),
  );
  const lines = new Map(rows.map((r) => [r.name, source.tail.lines(r.name).map((l) => l.text)]));
  const events = source.recent?.list() ?? [];
  const facts = { units: rows.map((r) => withProbeEvents(r, events)), spec, events, lines, now, live: true };
  return wanted.map((name) => explain(facts, name));
}
