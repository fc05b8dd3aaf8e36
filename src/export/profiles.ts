// Profiles and `enabled: false` in exports: compose has profiles of its own; systemd and
// Kubernetes start everything they are given, so a unit that procs starts only on demand is left
// out of what starts by default (systemd) or said in a note (Kubernetes).
import { inactiveReason } from '../config/profiles.js';
import type { UnitSpec } from '../config/spec.js';
import type { Notes } from './types.js';

/** The compose profile an `enabled: false` unit gets: `docker compose up` leaves it out unless named. */
export const MANUAL_PROFILE = 'manual';

/** Why a unit does not start by default (no profile is active in an export); undefined when it does. */
export function onDemand(unit: UnitSpec): string | undefined {
  return inactiveReason(unit, []);
}

/** A compose service's `profiles:`: the unit's own, or `manual` for `enabled: false`. */
export function composeProfiles(unit: UnitSpec, name: string, notes: Notes): { profiles?: string[] } {
  if (unit.enabled === false) {
    notes.add(`${name}: enabled: false becomes profile ${MANUAL_PROFILE}: docker compose up starts it when named, or with --profile ${MANUAL_PROFILE}`);
    return { profiles: [MANUAL_PROFILE] };
  }
  return unit.profiles ? { profiles: [...unit.profiles] } : {};
}

/** A systemd note for a unit that is not wanted by the project's target. */
export function systemdOnDemandNote(unit: UnitSpec, name: string, file: string, notes: Notes): void {
  const why = onDemand(unit);
  if (why !== undefined) notes.add(`${name}: starts only on demand in procs (${why}): not wanted by the target; systemctl start ${file}`);
}

/** A Kubernetes note for a unit procs starts only on demand: it is exported, and runs. */
export function kubernetesOnDemandNote(unit: UnitSpec, name: string, notes: Notes): void {
  const why = onDemand(unit);
  if (why !== undefined) notes.add(`${name}: starts only on demand in procs (${why}); Kubernetes runs what it is given: leave it out, or scale it to 0`);
}
