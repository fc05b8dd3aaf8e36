// `extends:`: a unit starts from another unit's definition (in its own section, in this spec or
// in another file), its own keys winning key by key: maps merge deeply, anything else is
// replaced. Resolved on the positioned tree before validation, so that a problem in an inherited
// key points at the line where that key is written, in whichever file.
import path from 'node:path';
import { suggest } from '../base/suggest.js';
import type { ReadFile } from './context.js';
import type { Diagnostics } from './diagnostics.js';
import { isModuleSpec } from './js-config.js';
import { isProcfile } from './procfile.js';
import type { SourcePos } from './spec.js';
import { specText, yamlSpecTree } from './spec-text.js';
import type { Entry, LNode, MapNode, ScalarNode } from './tree.js';

/** The sections whose units may extend another unit of their own section. */
const UNIT_SECTIONS = ['processes', 'pools', 'pipelines'] as const;
/** How many units deep an `extends` chain may go (a longer one is refused, not followed). */
const MAX_DEPTH = 64;
const KIND: Readonly<Record<string, string>> = { processes: 'process', pools: 'pool', pipelines: 'pipeline', watch: 'watch rule' };

export interface Extended {
  readonly tree: LNode;
  /** The other spec files units were extended from (absolute paths), in the order read. */
  readonly files: string[];
  /** True when an `extends` could not be resolved (the error is reported). */
  readonly failed: boolean;
}

/** What a tree is for the resolver: the spec being built (file undefined), or another file. */
interface Source {
  readonly file?: string;
  readonly tree: LNode;
}

interface Target {
  readonly file?: { readonly name: string; readonly pos: SourcePos };
  readonly unit: string;
  readonly pos: SourcePos;
}

/** Resolves every `extends` of the spec's tree; `root` is the spec's folder (for messages). */
export function resolveExtends(tree: LNode, root: string, readFile: ReadFile, diags: Diagnostics): Extended {
  const r = new Resolver(root, readFile, diags);
  if (tree.kind !== 'map') return { tree, files: [], failed: false };
  const main: Source = { tree };
  const entries = new Map(tree.entries);
  for (const section of UNIT_SECTIONS) {
    const e = tree.entries.get(section);
    if (e?.value.kind !== 'map') continue;
    const units = new Map<string, Entry>();
    for (const [name, u] of e.value.entries) units.set(name, { ...u, value: r.resolve(main, section, name) ?? u.value });
    entries.set(section, { ...e, value: { ...e.value, entries: units } });
  }
  return { tree: { ...tree, entries }, files: r.files, failed: r.failed };
}

class Resolver {
  readonly files: string[] = [];
  failed = false;
  private readonly done = new Map<string, LNode>();
  private readonly others = new Map<string, Source | undefined>();
  /** The units being resolved, outermost first, with their labels for a cycle's message. */
  private readonly active: { key: string; label: string }[] = [];

  constructor(
    private readonly root: string,
    private readonly readFile: ReadFile,
    private readonly diags: Diagnostics,
  ) {}

  /** The unit `name` of `section` in `src` with its `extends` resolved; undefined when it is not there. */
  resolve(src: Source, section: string, name: string): LNode | undefined {
    const key = `${src.file ?? ''}\0${section}\0${name}`;
    const node = unitNode(src.tree, section, name);
    if (node?.kind !== 'map') return node;
    const cached = this.done.get(key);
    if (cached) return cached;
    const ext = node.entries.get('extends');
    const target = ext ? targetOf(ext.value) : undefined;
    if (!target) return node; // none, or malformed: the schema says how
    const label = src.file === undefined ? name : `${this.shown(src.file)}:${name}`;
    this.active.push({ key, label });
    try {
      const base = this.base(src, section, name, target);
      if (!base) {
        this.failed = true;
        this.done.set(key, node);
        return node;
      }
      const own = new Map(node.entries);
      own.delete('extends');
      const merged = mergeUnit(base, { ...node, entries: own });
      this.done.set(key, merged);
      return merged;
    } finally {
      this.active.pop();
    }
  }

  /** The resolved unit a unit extends, or undefined after reporting why there is none. */
  private base(src: Source, section: string, name: string, target: Target): MapNode | undefined {
    const from = target.file === undefined ? src : this.other(src, target.file);
    if (!from) return undefined;
    const key = `${from.file ?? ''}\0${section}\0${target.unit}`;
    if (this.active.length > MAX_DEPTH) {
      this.diags.error(target.pos, `${section}.${name}: the extends chain is longer than ${MAX_DEPTH} units`);
      return undefined;
    }
    const open = this.active.findIndex((a) => a.key === key);
    if (open !== -1) {
      const chain = [...this.active.slice(open).map((a) => a.label), this.active[open]!.label];
      this.diags.error(target.pos, `extends cycle: ${section} ${chain.join(' → ')}`);
      return undefined;
    }
    const found = this.resolve(from, section, target.unit);
    // Still holding `extends`, it could not be resolved (and that was reported); not a map, the schema reports it.
    if (found?.kind === 'map' && !found.entries.has('extends')) return found;
    if (found) return undefined;
    const where = from.file === undefined ? '' : ` in ${this.shown(from.file)}`;
    this.diags.error(
      target.pos,
      `${section}.${name} extends \`${target.unit}\`: no ${KIND[section]} of that name${where}${this.hint(from, section, target.unit)}`,
    );
    return undefined;
  }

  /** Did you mean …? A close name of the section, or the section that has the name. */
  private hint(from: Source, section: string, unit: string): string {
    const elsewhere = Object.keys(KIND).find((s) => s !== section && unitNode(from.tree, s, unit) !== undefined);
    if (elsewhere) return ` (\`${unit}\` is a ${KIND[elsewhere]}: a unit extends one of its own section)`;
    const close = suggest(unit, sectionNames(from.tree, section));
    return close === undefined ? '' : `; did you mean \`${close}\`?`;
  }

  /** Another spec file, read once; undefined (reported at `file`) when it cannot be. */
  private other(src: Source, file: { name: string; pos: SourcePos }): Source | undefined {
    const abs = path.resolve(path.dirname(file.pos.file || src.file || this.root), file.name);
    if (this.others.has(abs)) return this.others.get(abs);
    let out: Source | undefined;
    if (isProcfile(abs) || isModuleSpec(abs)) {
      this.diags.error(file.pos, `cannot extend from \`${file.name}\`: only YAML spec files can be`);
    } else {
      const read = this.readFile(abs);
      if (!read.ok)
        this.diags.error(file.pos, read.missing ? `extends: file \`${file.name}\` not found` : `extends: cannot read \`${file.name}\`: ${read.reason}`);
      const text = read.ok ? specText(abs, read.text, this.diags) : undefined;
      const tree = text === undefined ? undefined : yamlSpecTree(abs, text, this.diags);
      if (tree) {
        out = { file: abs, tree };
        this.files.push(abs);
      }
    }
    this.others.set(abs, out);
    return out;
  }

  private shown(file: string): string {
    return path.relative(this.root, file) || path.basename(file);
  }
}

/** What an `extends` value names, or undefined when it is malformed (the schema reports it). */
function targetOf(node: LNode): Target | undefined {
  const text = (n: LNode | undefined): n is ScalarNode & { value: string } => n?.kind === 'scalar' && typeof n.value === 'string' && n.value !== '';
  if (text(node)) return { unit: node.value, pos: node.pos };
  if (node.kind !== 'map') return undefined;
  const unit = node.entries.get('unit')?.value;
  const file = node.entries.get('file')?.value;
  if (!text(unit) || (file !== undefined && !text(file))) return undefined;
  if ([...node.entries.keys()].some((k) => k !== 'unit' && k !== 'file')) return undefined;
  return { unit: unit.value, pos: unit.pos, ...(file ? { file: { name: file.value, pos: file.pos } } : {}) };
}

function unitNode(tree: LNode, section: string, name: string): LNode | undefined {
  if (tree.kind !== 'map') return undefined;
  const s = tree.entries.get(section)?.value;
  return s?.kind === 'map' ? s.entries.get(name)?.value : undefined;
}

function sectionNames(tree: LNode, section: string): string[] {
  const s = tree.kind === 'map' ? tree.entries.get(section)?.value : undefined;
  return s?.kind === 'map' ? [...s.entries.keys()] : [];
}

/** `over` on top of `base`: maps merged key by key, at every depth; anything else replaced. */
function mergeUnit(base: MapNode, over: MapNode): MapNode {
  const entries = new Map(base.entries);
  entries.delete('extends');
  for (const [key, e] of over.entries) {
    const prev = entries.get(key);
    entries.set(key, prev && prev.value.kind === 'map' && e.value.kind === 'map' ? { keyPos: e.keyPos, value: mergeUnit(prev.value, e.value) } : e);
  }
  return { kind: 'map', pos: over.pos, entries };
}
