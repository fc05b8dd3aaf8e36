// Profiles and `enabled: false`: which units start by default. A unit with `profiles` starts only
// when one of them is active (`--profile`, PROCS_PROFILES); one with `enabled: false` only when
// it is named. Either way it starts when named, or as a dependency of a unit that starts.
import { didYouMean } from '../base/suggest.js';
import type { UnitSpec } from './spec.js';

/** What decides whether a unit starts by default. */
export interface Activation {
  readonly profiles?: readonly string[];
  readonly enabled?: false;
}

/** Why `unit` does not start by default under the active `profiles`; undefined when it does. */
export function inactiveReason(unit: Activation, profiles: readonly string[]): string | undefined {
  if (unit.enabled === false) return 'enabled: false';
  const own = unit.profiles;
  if (own === undefined || own.some((p) => profiles.includes(p))) return undefined;
  return own.length === 1 ? `profile ${own[0]} not active` : `profiles ${own.join(', ')} not active`;
}

/** The units that start by default under the active `profiles`, in spec order. */
export function activeUnits(units: readonly UnitSpec[], profiles: readonly string[]): string[] {
  return units.filter((u) => inactiveReason(u, profiles) === undefined).map((u) => u.name);
}

/** Every profile the units name, sorted. */
export function knownProfiles(units: readonly UnitSpec[]): string[] {
  return [...new Set(units.flatMap((u) => u.profiles ?? []))].sort();
}

/**
 * The profiles of a command line: `--profile` values (repeatable, each a comma list), else
 * PROCS_PROFILES; blanks dropped, each named once.
 */
export function profileList(flags: readonly string[], env: string | undefined): string[] {
  const given = flags.length > 0 ? flags : env === undefined ? [] : [env];
  return [...new Set(given.flatMap((v) => v.split(',')).map((p) => p.trim()))].filter((p) => p !== '');
}

/**
 * A message for each profile no unit has (with the closest known one), none when all are known;
 * `where` (` in procs.yaml`) says where the units are.
 */
export function unknownProfiles(units: readonly UnitSpec[], profiles: readonly string[], where = ''): string[] {
  const known = knownProfiles(units);
  return profiles
    .filter((p) => !known.includes(p))
    .map((p) => `no unit${where} has profile \`${p}\`${known.length === 0 ? ' (no unit has profiles)' : didYouMean(p, known)}`);
}
