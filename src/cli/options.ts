// Reading a parsed command line into the application's typed options.
import { MAX_REPLICAS } from '../config/checks.js';
import { MAX_DURATION_TEXT, parseDurationArg } from '../config/durations.js';
import type { SpecRequest, WatchFlags } from '../app/options.js';
import { UsageError } from '../app/usage-error.js';
import { profileList } from '../config/profiles.js';
import type { ParsedArgs } from './args.js';

/** A list flag's values (none when not given). */
export function listFlag(args: ParsedArgs, name: string): readonly string[] {
  const v = args.flags[name];
  return typeof v === 'object' ? v : [];
}

/** A string flag's value, or undefined. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** Parses `-m web=2,worker=1` (repeatable) into counts, each from 0 to MAX_REPLICAS (checked before anything is built). */
export function parseFormation(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of values.flatMap((v) => v.split(','))) {
    const m = /^\s*([a-z0-9][a-z0-9_-]*)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m?.[1] || m[2] === undefined) throw new UsageError(`-m expects NAME=N[,NAME=N…], got '${part}'`);
    const count = Number(m[2]);
    if (count > MAX_REPLICAS) throw new UsageError(`-m ${m[1]}=${m[2]} is out of range: counts go from 0 to ${MAX_REPLICAS}`);
    out[m[1]] = count;
  }
  return out;
}

/** The spec a command line asks for: `-f` files and `-m` counts. */
export function specRequest(args: ParsedArgs): SpecRequest {
  const m = args.flags.formation;
  return { files: listFlag(args, 'file'), formation: typeof m === 'object' ? parseFormation(m) : undefined };
}

/** The active profiles: `--profile` values (repeatable, each `a,b`), else PROCS_PROFILES. */
export function profilesOf(args: ParsedArgs): readonly string[] {
  return profileList(listFlag(args, 'profile'), process.env.PROCS_PROFILES);
}

/** `--no-watch` and `--ignore`. */
export function watchFlags(args: ParsedArgs): WatchFlags {
  return { off: args.flags['no-watch'] === true, ignore: listFlag(args, 'ignore') };
}

/** `--wait-timeout D` in milliseconds; undefined waits as long as it takes. */
export function waitTimeoutOf(args: ParsedArgs): number | undefined {
  const v = stringFlag(args, 'wait-timeout');
  if (v === undefined) return undefined;
  const ms = parseDurationArg(v);
  if (ms === undefined) throw new UsageError(`--wait-timeout expects a duration such as 60s, at most ${MAX_DURATION_TEXT}, got '${v}'`);
  return ms;
}
