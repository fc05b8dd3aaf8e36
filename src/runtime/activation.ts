// Units that do not start by default (a profile not active, `enabled: false`): their records
// start `inactive`, carrying why, until a start names them or a unit that needs them.
import { inactiveReason } from '../config/profiles.js';
import type { UnitSpec } from '../config/spec.js';
import { freshRecord, type UnitRecord } from './lifecycle.js';

/** A unit's record before anything started: inactive when it does not start under `profiles`. */
export function initialRecord(spec: UnitSpec, profiles: readonly string[]): UnitRecord {
  const reason = inactiveReason(spec, profiles);
  return reason === undefined ? freshRecord(spec) : { ...freshRecord(spec), phase: { kind: 'inactive', reason } };
}

/**
 * The record of a unit a reload adds or restarts: wanted, unless it does not start under
 * `profiles` and was not started by name (`onDemand`), then inactive again.
 */
export function reloadedRecord(spec: UnitSpec, profiles: readonly string[], onDemand: boolean, attempts = 0): UnitRecord {
  const reason = onDemand ? undefined : inactiveReason(spec, profiles);
  if (reason !== undefined) return { ...freshRecord(spec, { attempts }), phase: { kind: 'inactive', reason } };
  return freshRecord(spec, { wanted: true, attempts });
}

/**
 * A kept record that a reload finds inactive: still inactive (its reason brought up to date), or
 * wanted now that the spec starts it by default.
 */
export function reactivate(r: UnitRecord, spec: UnitSpec, profiles: readonly string[]): void {
  const reason = inactiveReason(spec, profiles);
  if (reason === undefined) Object.assign(r, freshRecord(spec, { wanted: true, attempts: r.attempts }));
  else Object.assign(r, { spec, phase: { kind: 'inactive', reason } });
}
