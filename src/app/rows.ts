// The rows `ps --json` and the control API show for the supervisor's units.
import type { UnitSpec } from '../config/spec.js';
import type { UnitRow } from '../events/unit-row.js';
import { withProbes, type ProbeResults } from '../health/monitor.js';
import type { UnitStatus } from '../runtime/supervisor.js';

/** A supervisor status as `ps --json` shows it: `exit` always an object. */
export function toRow(u: UnitStatus): UnitRow {
  return {
    name: u.name,
    kind: u.kind,
    pool: u.pool,
    state: u.state,
    pid: u.pid,
    restarts: u.restarts,
    started_at: u.started_at,
    exit: { code: u.exit?.code ?? null, signal: u.exit?.signal ?? null },
    health: { readiness: u.health.readiness, liveness: u.health.liveness },
    reason: u.reason,
    ...(u.status === undefined ? {} : { status: u.status }),
    ...(u.schedule === undefined ? {} : { schedule: u.schedule }),
  };
}

/** Rows of supervisor statuses, with the latest probe answers of the units that have probes. */
export function rowsOf(statuses: readonly UnitStatus[], specs: readonly UnitSpec[], probes: ProbeResults | undefined): UnitRow[] {
  const addProbes = withProbes(specs, probes);
  return statuses.map((u) => addProbes(toRow(u)));
}
