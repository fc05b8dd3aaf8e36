// Validation against schema/procs.schema.json, through the validator precompiled from it
// (`npm run gen:types`), so that no schema is compiled when procs starts. After reporting, the
// parts of the document that failed are set aside, so that the rest can still be normalized and
// checked: one run reports every problem.
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
  dropIncomplete(doc);
  return doc;
}

/** Removes units left without their required key (its error may have been reported as a typo). */
function dropIncomplete(doc: unknown): void {
  for (const section of SECTIONS) {
    const units = (doc as Record<string, unknown>)[section];
    if (units === null || typeof units !== 'object') continue;
    for (const [name, unit] of Object.entries(units as Record<string, unknown>)) {
      if (unit === null || typeof unit !== 'object' || !Object.hasOwn(unit, REQUIRED[section]!)) remove(doc, [section, name]);
    }
  }
}

/** What to remove for a problem at `drop`: the nearest key (not list item), or the whole unit. */
function setAside(drop: readonly PathSeg[]): PathSeg[] | undefined {
  let end = drop.length;
  while (end > 0 && typeof drop[end - 1] !== 'string') end--;
  const target = drop.slice(0, end);
  if (target.length === 0) return undefined;
  const [section, name, field] = target;
  const isSection = SECTIONS.some((s) => s === section);
  if (isSection && name !== undefined && (field === undefined || field === REQUIRED[String(section)])) return [section!, name];
  return target;
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
