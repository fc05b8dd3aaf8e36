// Reading YAML (and package.json, which YAML reads too) into a positioned tree. Syntax errors,
// duplicate keys, unknown anchors, alias bombs, binary values and NUL characters become
// diagnostics, never exceptions.
import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq, type Document, type Node as YamlNode, type Scalar } from 'yaml';
import type { Diagnostics } from './diagnostics.js';
import type { SourcePos } from './spec.js';
import type { Entry, LNode, ScalarValue } from './tree.js';

/** Alias expansions allowed in one file before it is refused as a resource-exhaustion attack. */
const MAX_ALIAS_COUNT = 100;

/**
 * Nodes that aliases may copy in one file, all aliases together. The library's own guard above
 * cannot count a document whose expansion fails (an unknown anchor under nested aliases), so the
 * converter counts too: past this, the file is refused instead of expanded.
 */
const MAX_ALIASED_NODES = 1_000_000;

type At = (offset: number) => SourcePos;

/** Parses one YAML text into a tree, or reports why it cannot (and returns undefined). */
export function parseYaml(file: string, text: string, diags: Diagnostics): LNode | undefined {
  const lc = new LineCounter();
  // Duplicate keys are found while converting: the parser's own check compares each key with every
  // earlier one of its map, which takes minutes for a map of 100,000 keys.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, merge: true });
  const at: At = (offset) => ({ file, ...lc.linePos(offset) });
  if (doc.errors.length > 0) {
    const lines = new Set<number>();
    for (const err of doc.errors) {
      const pos = at(err.pos[0]);
      if (lines.has(pos.line)) continue; // one error per line: the rest are usually its echoes
      lines.add(pos.line);
      if (err.code === 'MISSING_CHAR' && /quote/.test(err.message))
        diags.error(at(openingQuote(text, err)), 'YAML syntax error: this quoted string is never closed');
      else if (/call stack/i.test(err.message)) diags.error(pos, 'the YAML nests too deeply here to be read');
      else diags.error(pos, `YAML syntax error: ${err.message}`);
    }
    return undefined;
  }
  for (const w of doc.warnings) diags.warn(at(w.pos[0]), `YAML: ${w.message}`);
  if (text.includes('*') && isAliasBomb(doc)) {
    diags.error(at(firstAliasOffset(text)), `too many alias expansions (more than ${MAX_ALIAS_COUNT}): refusing a file that could exhaust memory`);
    return undefined;
  }
  const before = diags.errorCount();
  const root = doc.contents ? new Converter(doc, text, at, diags).node(doc.contents) : undefined;
  if (diags.errorCount() > before) return undefined;
  return root ?? { kind: 'map', pos: at(0), entries: new Map() };
}

/** The yaml library's own guard: expanding the document would exceed `MAX_ALIAS_COUNT`. */
function isAliasBomb(doc: Document): boolean {
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT, mapAsMap: true }); // mapAsMap: no warning for a list as a key
    return false;
  } catch (err) {
    // Other failures (an unknown anchor) are reported, positioned, by the converter.
    return err instanceof Error && /alias count/i.test(err.message);
  }
}

/** Where an unclosed quoted string starts: the last such quote before the error. */
function openingQuote(text: string, err: { message: string; pos: [number, number] }): number {
  const quote = err.message.includes("'") ? "'" : '"';
  const i = text.lastIndexOf(quote, err.pos[0] - 1);
  return i === -1 ? err.pos[0] : i;
}

/** Where the first alias is, so an alias-bomb error points somewhere useful. */
function firstAliasOffset(text: string): number {
  const m = /(^|[\s[{,:-])\*[^\s,\]}]/.exec(text);
  return m ? m.index + m[1]!.length : 0;
}

/** A scalar's value as text (keys, and the rare value that is neither string, number nor boolean). */
function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return v instanceof Date ? v.toISOString() : (JSON.stringify(v) ?? '');
}

/** Turns YAML nodes into tree nodes, resolving aliases and `<<` merge keys. */
class Converter {
  private readonly active = new Set<YamlNode>();
  /** Aliases being expanded around the node converted now, and nodes they copied so far. */
  private aliasDepth = 0;
  private aliased = 0;
  private exhausted = false;
  /** Unknown anchors already reported: an alias copied many times is reported once. */
  private readonly unknown = new Set<YamlNode>();
  /** Each alias's anchor, looked up once: the library walks the whole document for every lookup. */
  private readonly targets = new Map<YamlNode, YamlNode | undefined>();

  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly at: At,
    private readonly diags: Diagnostics,
  ) {}

  /** Converts one node (an alias becomes a copy of its anchor's node). */
  node(n: YamlNode, aliasPos?: SourcePos): LNode {
    const pos = aliasPos ?? this.at(n.range?.[0] ?? 0);
    if (this.exhausted) return { kind: 'scalar', pos, value: null };
    // Every alias and every node copied through one counts against the bound.
    if ((this.aliasDepth > 0 || isAlias(n)) && ++this.aliased > MAX_ALIASED_NODES) {
      this.exhausted = true;
      this.diags.error(
        pos,
        `too many alias expansions (aliases copy more than ${MAX_ALIASED_NODES.toLocaleString('en')} nodes): refusing a file that could exhaust memory`,
      );
      return { kind: 'scalar', pos, value: null };
    }
    if (isAlias(n)) {
      let target = this.targets.get(n);
      if (!this.targets.has(n)) this.targets.set(n, (target = n.resolve(this.doc)));
      if (!target) {
        if (!this.unknown.has(n)) this.diags.error(this.at(n.range?.[0] ?? 0), `unknown anchor \`*${n.source}\``);
        this.unknown.add(n);
        return { kind: 'scalar', pos, value: null };
      }
      if (this.active.has(target)) {
        this.diags.error(pos, `alias \`*${n.source}\` refers to a node that contains it`);
        return { kind: 'scalar', pos, value: null };
      }
      this.aliasDepth++;
      try {
        return this.node(target);
      } finally {
        this.aliasDepth--;
      }
    }
    this.active.add(n);
    try {
      if (isMap(n)) return { kind: 'map', pos, entries: this.entries(n.items) };
      if (isSeq(n)) return { kind: 'seq', pos, items: n.items.map((item) => this.child(item, pos)) };
      if (isScalar(n)) return this.scalar(n, pos);
      this.diags.error(pos, 'unsupported YAML node');
      return { kind: 'scalar', pos, value: null };
    } finally {
      this.active.delete(n);
    }
  }

  /** Converts a collection item or pair value that may be missing (`key:` with nothing after). */
  private child(item: unknown, fallback: SourcePos): LNode {
    if (item && typeof item === 'object' && 'range' in item) return this.node(item as YamlNode);
    return { kind: 'scalar', pos: fallback, value: null };
  }

  /** Converts a map's pairs; explicit keys win over `<<` merges, earlier merges over later ones. */
  private entries(pairs: readonly { key: unknown; value: unknown }[]): Map<string, Entry> {
    const out = new Map<string, Entry>();
    const merged: LNode[] = [];
    for (const pair of pairs) {
      const key = pair.key as YamlNode | null;
      const keyPos = this.at(key?.range?.[0] ?? 0);
      if (key && isScalar(key) && typeof key.value === 'symbol') {
        const v = this.child(pair.value, keyPos);
        merged.push(...(v.kind === 'seq' ? v.items : [v]));
        continue;
      }
      if (key && !isScalar(key)) {
        this.diags.error(keyPos, 'a key must be a plain value, not a list or a map');
        continue;
      }
      const name = key ? scalarText(key.value) : '';
      if (out.has(name)) this.diags.error(keyPos, `duplicate key \`${name}\``);
      out.set(name, { keyPos, value: this.child(pair.value, keyPos) });
    }
    for (const m of merged) {
      if (m.kind !== 'map') {
        this.diags.error(m.pos, '`<<` merges a map (or a list of maps) into this one');
        continue;
      }
      for (const [k, e] of m.entries) if (!out.has(k)) out.set(k, e);
    }
    return out;
  }

  /** Converts a scalar, remembering where its text starts when the value is written verbatim. */
  private scalar(n: Scalar, pos: SourcePos): LNode {
    const raw: unknown = n.value;
    if (raw instanceof Uint8Array) {
      this.diags.error(pos, 'a binary value (`!!binary`) is not text: write it as a plain string');
      return { kind: 'scalar', pos, value: null };
    }
    const value: ScalarValue =
      raw === null || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean'
        ? raw
        : typeof raw === 'bigint'
          ? Number(raw)
          : scalarText(raw);
    if (typeof value === 'string' && value.includes('\0')) {
      this.diags.error(pos, 'a NUL character (\\0) here: no command, argument or environment value can hold one');
      return { kind: 'scalar', pos, value: null };
    }
    if (typeof value !== 'string' || !n.range) return { kind: 'scalar', pos, value };
    const [start, end] = n.range;
    const src = this.text.slice(start, end);
    if (src === value) return { kind: 'scalar', pos, value, textPos: pos };
    const quoted = (src.startsWith('"') || src.startsWith("'")) && src.slice(1, -1) === value;
    return quoted ? { kind: 'scalar', pos, value, textPos: this.at(start + 1) } : { kind: 'scalar', pos, value };
  }
}
