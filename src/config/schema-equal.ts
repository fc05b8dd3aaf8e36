// Deep equality of parsed spec values for the schema's `uniqueItems`, used by the generated
// validator in place of ajv's runtime (fast-deep-equal). That one calls a value's own `valueOf`
// and `toString` when they are not Object.prototype's: a spec map with a `toString` key (a
// string, not a function) made validation throw. Here only data is compared, never called.

/** True when two JSON-like values (as YAML and JSON parse them) are equal. */
export default function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => equal(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && equal(ra[k], rb[k]));
}
