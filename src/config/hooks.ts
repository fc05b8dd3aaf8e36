// A unit's `hooks:`: each hook's command interpolated like `command` (against the unit's env),
// its timeout in milliseconds (default 30s).
import { toCommand, type Context } from './context.js';
import type { Lookup } from './interpolate.js';
import type { Hooks } from './spec-types.generated.js';
import { HOOK_NAMES, type HookSpec, type HooksSpec } from './spec.js';
import type { PathSeg } from './tree.js';
import { ms } from './unit-parts.js';

export const DEFAULT_HOOK_TIMEOUT_MS = 30_000;

/** The hooks given, normalized; undefined when none is (so that the unit's hash stays what it was). */
export function hooksSpec(ctx: Context, raw: Hooks | undefined, where: readonly PathSeg[], lookup: Lookup, shell: string): HooksSpec | undefined {
  if (raw === undefined) return undefined;
  const out: Record<string, HookSpec> = {};
  for (const name of HOOK_NAMES) {
    const hook = raw[name];
    if (hook === undefined) continue;
    const full = typeof hook === 'string' || Array.isArray(hook) ? { command: hook } : hook;
    // A hook the schema refused (no command) is reported there.
    if (typeof full.command !== 'string' && !Array.isArray(full.command)) continue;
    const at = typeof hook === 'string' || Array.isArray(hook) ? [...where, name] : [...where, name, 'command'];
    out[name] = { command: toCommand(ctx, at, full.command, lookup, shell), timeoutMs: ms(full.timeout, DEFAULT_HOOK_TIMEOUT_MS) };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
