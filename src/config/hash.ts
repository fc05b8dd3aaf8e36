// Stable unit hashes (what the reconciler compares to decide on a restart) and deep freezing.

/** JSON with keys sorted at every level, so that equal data always gives the same text. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * A 128-bit hash (hex) of a unit's normalized definition, leaving out where it was written. It
 * only tells definitions apart (nothing trusts it against an adversary), so four 32-bit
 * multiply-xorshift lanes do, without loading node:crypto on every start.
 */
export function unitHash(unit: { readonly source?: unknown; readonly hash?: unknown }): string {
  const { source: _source, hash: _hash, ...definition } = unit;
  return hash128(canonicalJson(definition));
}

const SEEDS: readonly [number, number, number, number] = [0x811c9dc5, 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35];

/** Four independently seeded lanes over the UTF-16 code units, each finished with murmur3's mix (hex). */
export function hash128(text: string): string {
  let [a, b, c, d] = SEEDS;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    a = Math.imul(a ^ k, 0x01000193);
    b = Math.imul(b ^ k, 0x5bd1e995);
    c = Math.imul(c ^ k, 0x27d4eb2f);
    d = Math.imul(d ^ k, 0x165667b1);
  }
  return [a, b, c, d].map((h) => (fmix(h ^ text.length) >>> 0).toString(16).padStart(8, '0')).join('');
}

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Freezes a value and everything it holds. Accessors are not read (a unit's hash is computed when
 * first asked for, and freezing must not ask).
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const d of Object.values(Object.getOwnPropertyDescriptors(value))) if ('value' in d) deepFreeze(d.value);
  }
  return value;
}
