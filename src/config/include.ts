// `include:`: other spec files' units and watch rules joined into the including file's tree,
// positions kept, before the spec files named with -f are merged and before validation. Each
// included file's own env and env_file are written into its units; its relative paths resolve
// against its folder later (`baseDir` in context.ts), from the positions its nodes carry.
import path from 'node:path';
import { SECTIONS } from './checks.js';
import type { ReadFile } from './context.js';
import type { Diagnostics } from './diagnostics.js';
import { isModuleSpec } from './js-config.js';
import { isProcfile } from './procfile.js';
import type { SourcePos } from './spec.js';
import { specText, yamlSpecTree } from './spec-text.js';
import { toPlain, type Entry, type LNode, type MapNode, type ScalarNode } from './tree.js';
import { validateSchema } from './validate.js';

/** Top-level keys an included file may set that must agree with the including spec's. */
const SHARED = { shell: '/bin/sh', inherit_env: true } as const;

/** The spec files named with -f (or found), their trees read; the trees with their includes expanded. */
export interface Expanded {
  readonly trees: LNode[];
  /** Every spec file in merge order: each file followed by the files it includes. */
  readonly files: string[];
  /** The included files alone. */
  readonly included: string[];
}

/** Expands the includes of every top-level spec file; files included twice are read once. */
export function expandIncludes(files: readonly string[], trees: readonly LNode[], readFile: ReadFile, diags: Diagnostics): Expanded {
  const root = path.dirname(files[0] ?? '/');
  const shared = sharedSettings(trees);
  const seen = new Set(files);
  const order: string[] = [];
  const included: string[] = [];
  const name = (f: string): string => path.relative(root, f) || path.basename(f);

  const expand = (file: string, tree: LNode, stack: string[]): LNode => {
    order.push(file);
    if (tree.kind !== 'map') return tree;
    const inc = tree.entries.get('include');
    if (!inc) return tree;
    checkKeys(tree, ['include'], diags);
    const entries = new Map(tree.entries);
    entries.delete('include');
    let out: MapNode = { ...tree, entries };
    for (const item of includeItems(inc.value)) {
      const target = path.resolve(path.dirname(file), item.value);
      if (stack.includes(target)) {
        const chain = [...stack.slice(stack.indexOf(target)), target].map(name).join(' → ');
        diags.error(item.pos, `include cycle: ${chain}`);
        continue;
      }
      if (seen.has(target)) continue;
      seen.add(target);
      const read = readIncluded(target, item, readFile, diags);
      if (!read) continue;
      included.push(target);
      const inner = expand(target, ownSettings(read, shared, diags), [...stack, target]);
      if (inner.kind === 'map') out = join(out, inner, diags, name);
    }
    return out;
  };
  const expanded = files.map((f, i) => expand(f, trees[i]!, [f]));
  return { trees: expanded, files: order, included };
}

/** The string entries of an `include` value (anything else the schema reports). */
function includeItems(node: LNode): (ScalarNode & { value: string })[] {
  const items = node.kind === 'seq' ? node.items : [node];
  return items.filter((n): n is ScalarNode & { value: string } => n.kind === 'scalar' && typeof n.value === 'string' && n.value !== '');
}

/** An included file's tree, or undefined (with an error at the include entry) when it cannot be read. */
function readIncluded(file: string, item: ScalarNode, readFile: ReadFile, diags: Diagnostics): MapNode | undefined {
  const shown = String(item.value);
  if (isProcfile(file) || isModuleSpec(file)) {
    diags.error(item.pos, `cannot include \`${shown}\`: only YAML spec files can be included`);
    return undefined;
  }
  const read = readFile(file);
  if (!read.ok) {
    diags.error(item.pos, read.missing ? `included file \`${shown}\` not found` : `cannot read included file \`${shown}\`: ${read.reason}`);
    return undefined;
  }
  const text = specText(file, read.text, diags);
  const tree = text === undefined ? undefined : yamlSpecTree(file, text, diags);
  if (tree === undefined) return undefined;
  if (tree.kind === 'map') return tree;
  diags.error(tree.pos, 'an included spec file must be a map of keys (processes, pools, pipelines, watch, …)');
  return undefined;
}

/** The values of `shell` and `inherit_env` the including spec runs with (the last -f file that sets one). */
function sharedSettings(trees: readonly LNode[]): Record<keyof typeof SHARED, unknown> {
  const out: Record<keyof typeof SHARED, unknown> = { ...SHARED };
  for (const t of trees) {
    if (t.kind !== 'map') continue;
    for (const key of Object.keys(SHARED) as (keyof typeof SHARED)[]) {
      const e = t.entries.get(key);
      if (e) out[key] = toPlain(e.value);
    }
  }
  return out;
}

/**
 * An included file's own top-level keys: validated; `shell` and `inherit_env` must agree with the
 * including spec's; `env` and `env_file` are written into each of its units, under the unit's own
 * (which win); `name` and `version` are the including spec's business. Returns the file's sections
 * and its own `include`.
 */
function ownSettings(tree: MapNode, shared: Record<string, unknown>, diags: Diagnostics): MapNode {
  checkKeys(
    tree,
    [...tree.entries.keys()].filter((k) => k !== 'include' && (!isSection(k) || tree.entries.get(k)!.value.kind !== 'map')),
    diags,
  );
  for (const key of Object.keys(SHARED)) {
    const e = tree.entries.get(key);
    if (!e) continue;
    const mine = toPlain(e.value);
    if (JSON.stringify(mine) !== JSON.stringify(shared[key])) {
      diags.error(e.keyPos, `${key}: an included file runs with the including spec's ${key} (${JSON.stringify(shared[key])}); set it there, or remove it here`);
    }
  }
  const env = mapEntry(tree, 'env');
  const envFile = tree.entries.get('env_file');
  const entries = new Map<string, Entry>();
  const inc = tree.entries.get('include');
  if (inc) entries.set('include', inc);
  for (const [key, e] of tree.entries) {
    if (!isSection(key) || e.value.kind !== 'map') continue;
    const units = new Map<string, Entry>();
    for (const [name, u] of e.value.entries) {
      units.set(name, u.value.kind === 'map' ? { ...u, value: withFileEnv(u.value, env, key === 'watch' ? undefined : envFile) } : u);
    }
    entries.set(key, { ...e, value: { ...e.value, entries: units } });
  }
  return { ...tree, entries };
}

/** A unit with its file's env under its own env, and its file's env files before its own. */
function withFileEnv(unit: MapNode, env: Entry | undefined, envFile: Entry | undefined): MapNode {
  const entries = new Map(unit.entries);
  const ownEnv = unit.entries.get('env');
  if (env && (!ownEnv || ownEnv.value.kind === 'map')) {
    entries.set('env', ownEnv ? { ...ownEnv, value: overMap(env.value as MapNode, ownEnv.value as MapNode) } : env);
  }
  const ownFiles = unit.entries.get('env_file');
  if (envFile && (!ownFiles || ownFiles.value.kind !== 'map')) {
    const list = (n: LNode): LNode[] => (n.kind === 'seq' ? [...n.items] : [n]);
    const items = [...list(envFile.value), ...(ownFiles ? list(ownFiles.value) : [])];
    entries.set('env_file', { keyPos: (ownFiles ?? envFile).keyPos, value: { kind: 'seq', pos: (ownFiles ?? envFile).value.pos, items } });
  }
  return { ...unit, entries };
}

/** `over`'s entries on top of `base`'s, with `over`'s position. */
function overMap(base: MapNode, over: MapNode): MapNode {
  return { kind: 'map', pos: over.pos, entries: new Map([...base.entries, ...over.entries]) };
}

/** A top-level entry when its value is a map. */
function mapEntry(tree: MapNode, key: string): Entry | undefined {
  const e = tree.entries.get(key);
  return e?.value.kind === 'map' ? e : undefined;
}

/** Joins an included file's sections into the including tree; a name defined in both is an error. */
function join(into: MapNode, from: MapNode, diags: Diagnostics, name: (f: string) => string): MapNode {
  const entries = new Map(into.entries);
  for (const [section, e] of from.entries) {
    const have = entries.get(section);
    if (have && have.value.kind !== 'map') continue; // the schema reports the including file's section
    const units = new Map(have?.value.kind === 'map' ? have.value.entries : []);
    for (const [unit, u] of (e.value as MapNode).entries) {
      const prev = units.get(unit);
      if (prev) {
        diags.error(u.keyPos, `${section}.${unit} is defined twice: here and at ${where(prev.keyPos, name)}`);
        continue;
      }
      units.set(unit, u);
    }
    entries.set(section, have ? { ...have, value: { ...(have.value as MapNode), entries: units } } : e);
  }
  return { ...into, entries };
}

/** `FILE:LINE:COL`, the file relative to the spec's folder. */
function where(pos: SourcePos, name: (f: string) => string): string {
  return `${name(pos.file)}:${pos.line}:${pos.col}`;
}

function isSection(key: string): boolean {
  return (SECTIONS as readonly string[]).includes(key);
}

/** Validates some top-level keys of a file that the merged tree will not hold. */
function checkKeys(tree: MapNode, keys: readonly string[], diags: Diagnostics): void {
  const part: MapNode = { ...tree, entries: new Map([...tree.entries].filter(([k]) => keys.includes(k))) };
  validateSchema(part, toPlain(part), diags);
}
