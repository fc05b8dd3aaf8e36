// Stable unit hashes (what the reconciler compares to decide on a restart) and deep freezing.
import { createHash } from 'node:crypto';

/** JSON with keys sorted at every level, so that equal data always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 (hex) of a unit's normalized definition, leaving out where it was written. */
export function unitHash(unit: { readonly source?: unknown; readonly hash?: unknown }): string {
  const { source: _source, hash: _hash, ...definition } = unit;
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

/** Freezes a value and everything it holds. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
