// Specs written in JavaScript or TypeScript (`procs.config.mjs`, `.js`, `.cjs`, `.ts`): the module's
// default export is the spec object, or a function of the environment returning one (maybe a
// promise). The value becomes a tree like YAML's, without lines: its problems name the file and
// the key path. Each load imports the file afresh, so that a reload sees the edited file.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Diagnostics, nowhere } from './diagnostics.js';
import { LoadedSpec } from './spec-text.js';
import type { SourcePos } from './spec.js';
import { describePath, type Entry, type LNode, type PathSeg } from './tree.js';

/** The extensions of spec files that are modules, not YAML. */
const MODULE_EXTENSIONS = new Set(['.mjs', '.js', '.cjs', '.ts', '.mts', '.cts']);

/** Nesting deeper than this is refused (a spec is a few levels deep; this guards the converter). */
const MAX_DEPTH = 64;

/** True for a spec file that is a JavaScript or TypeScript module. */
export function isModuleSpec(file: string): boolean {
  return MODULE_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/** Counts imports, so that each one asks for the file anew (the module cache keys on the URL). */
let generation = 0;

/**
 * Imports a module spec and turns its default export into a tree. A function export is called
 * with a copy of `env` (the environment procs runs with). Never throws: a module that fails to
 * load, a function that throws and a value that is not a spec object are problems of the file.
 */
export async function loadModuleSpec(file: string, env: Readonly<Record<string, string | undefined>>): Promise<LoadedSpec> {
  const diags = new Diagnostics();
  const at = nowhere(file);
  let exported: unknown;
  try {
    // A CommonJS file is cached by its name, whatever the URL says.
    delete createRequire(file).cache[file];
    const mod = (await import(`${pathToFileURL(file).href}?procs-load=${++generation}`)) as Record<string, unknown>;
    if (!Object.hasOwn(mod, 'default')) return fail(diags, at, 'no default export: export the spec (or a function returning it) as default');
    exported = mod.default;
  } catch (err) {
    const strip = (err as NodeJS.ErrnoException).code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[mc]?ts$/i.test(file);
    const hint = strip ? ` (this Node ${process.version} does not strip TypeScript types; Node 22.18 and newer do by default)` : '';
    return fail(diags, at, `cannot load the module: ${reason(err)}${hint}`);
  }
  let value: unknown = exported;
  if (typeof exported === 'function') {
    try {
      value = await (exported as (env: Record<string, string | undefined>) => unknown)({ ...env });
    } catch (err) {
      return fail(diags, at, `the exported function threw: ${reason(err)}`);
    }
  }
  if (!isPlainObject(value)) {
    const what = typeof exported === 'function' ? 'the exported function returned' : 'the default export is';
    return fail(diags, at, `${what} ${kindOf(value)}: a spec is an object, e.g. { version: 1, processes: { … } }`);
  }
  try {
    return new LoadedSpec(toTree(value, [], at, diags, new Set()), diags.all());
  } catch (err) {
    return fail(diags, at, `cannot read the exported spec: ${reason(err)}`); // a getter that throws
  }
}

function fail(diags: Diagnostics, at: SourcePos, message: string): LoadedSpec {
  diags.error(at, message);
  return new LoadedSpec(undefined, diags.all());
}

/** An error's message only, on one line: never its stack. */
function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** What a value is, as a message names it. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'object') return `a ${v.constructor?.name ?? 'object'} object`;
  return `a ${typeof v}`;
}

/** The tree of a plain value; what JSON could not hold (functions, NaN, class instances, cycles) is an error. */
function toTree(v: unknown, where: PathSeg[], at: SourcePos, diags: Diagnostics, stack: Set<object>): LNode | undefined {
  const bad = (what: string): undefined => void diags.error(at, `${describePath(where) || 'the spec'}: ${what}`);
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return { kind: 'scalar', pos: at, value: v };
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'scalar', pos: at, value: v } : bad(`${v} is not a number a spec can hold`);
  if (typeof v !== 'object') return bad(`${kindOf(v)} cannot be a spec value (strings, numbers, booleans, null, lists and objects can)`);
  if (stack.has(v)) return bad('the value refers to itself');
  if (where.length >= MAX_DEPTH) return bad(`nests more than ${MAX_DEPTH} levels deep`);
  if (!Array.isArray(v) && !isPlainObject(v)) return bad(`${kindOf(v)} cannot be a spec value (use plain objects, lists and strings)`);
  stack.add(v);
  try {
    if (Array.isArray(v)) {
      const items = v.map((item, i) => toTree(item, [...where, i], at, diags, stack) ?? { kind: 'scalar' as const, pos: at, value: null });
      return { kind: 'seq', pos: at, items };
    }
    const entries = new Map<string, Entry>();
    for (const [key, item] of Object.entries(v)) {
      if (item === undefined) continue; // as JSON leaves it out
      const node = toTree(item, [...where, key], at, diags, stack);
      if (node) entries.set(key, { keyPos: at, value: node });
    }
    return { kind: 'map', pos: at, entries };
  } finally {
    stack.delete(v);
  }
}
