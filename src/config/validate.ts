// Validation against schema/procs.schema.json, through the validator precompiled from it
// (`npm run gen:types`), so that no schema is compiled when procs starts. After reporting, the
// parts of the document that failed are set aside, so that the rest can still be normalized and
// checked: one run reports every problem. A unit whose required key failed keeps the rest of its
// definition, with a stand-in for that key, so that its other problems are found too.
import { SECTIONS } from './checks.js';
import type { Diagnostics } from './diagnostics.js';
import { type SchemaError, translate } from './schema-errors.js';
import generated from './schema-validator.generated.js';
import type { LNode, PathSeg } from './tree.js';

interface Validator {
  (data: unknown): boolean;
  errors?: readonly SchemaError[] | null;
}

const validator = generated as unknown as Validator;

/** The key a unit of each section cannot do without. */
const REQUIRED: Readonly<Record<string, string>> = { processes: 'command', pools: 'command', pipelines: 'steps', watch: 'paths' };
/** What stands in for a required key that failed: valid, and never used (the spec has errors). */
const STAND_IN: Readonly<Record<string, unknown>> = { command: 'true', steps: ['true'], paths: ['.'] };

/**
 * Validates the plain document and reports every schema error, positioned. Returns the document
 * without the parts that failed (which then conforms to the schema), or undefined when the
 * document as a whole is unusable (not a map).
 */
export function validateSchema(root: LNode, data: unknown, diags: Diagnostics): unknown {
  if (validator(data)) return data;
  const issues = translate(root, validator.errors ?? []);
  for (const issue of issues) diags.error(issue.pos, issue.message);
  const doc: unknown = structuredClone(data);
  for (const issue of issues) {
    const target = setAside(issue.drop);
    if (target === undefined) return undefined;
    remove(doc, target);
  }
  standIn(doc);
  return doc;
}

/**
 * Gives units left without their required key (missing, mistyped, or set aside) a stand-in for
 * it, so that the rest of each is still checked; removes what is not a unit at all.
 */
function standIn(doc: unknown): void {
  for (const section of SECTIONS) {
    const units = (doc as Record<string, unknown>)[section];
    if (units === null || typeof units !== 'object') continue;
    const key = REQUIRED[section]!;
    for (const [name, unit] of Object.entries(units as Record<string, unknown>)) {
      if (unit === null || typeof unit !== 'object' || Array.isArray(unit)) remove(doc, [section, name]);
      else if (!Object.hasOwn(unit, key))
        Object.defineProperty(unit, key, { value: structuredClone(STAND_IN[key]), enumerable: true, writable: true, configurable: true });
    }
  }
}

/** What to remove for a problem at `drop`: the nearest key (not list item); a unit that is not a map, whole. */
function setAside(drop: readonly PathSeg[]): PathSeg[] | undefined {
  let end = drop.length;
  while (end > 0 && typeof drop[end - 1] !== 'string') end--;
  const target = drop.slice(0, end);
  return target.length === 0 ? undefined : target;
}

/** Deletes the value at a path, if it is there. Walks own keys only: `__proto__` must never lead to Object.prototype. */
function remove(doc: unknown, target: readonly PathSeg[]): void {
  let node: unknown = doc;
  for (const seg of target.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, String(seg))) return;
    node = (node as Record<string, unknown>)[String(seg)];
  }
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    Reflect.deleteProperty(node, String(target.at(-1)));
  }
}
