// The spec as a tree of positioned nodes: what the YAML reader produces, what override files
// merge into, and how a problem found in the plain data is pointed back at its key or value.
import type { SourcePos } from './spec.js';

export type ScalarValue = string | number | boolean | null;
export type PathSeg = string | number;

export interface Entry {
  readonly keyPos: SourcePos;
  readonly value: LNode;
}

export interface MapNode {
  readonly kind: 'map';
  readonly pos: SourcePos;
  readonly entries: ReadonlyMap<string, Entry>;
}

export interface SeqNode {
  readonly kind: 'seq';
  readonly pos: SourcePos;
  readonly items: readonly LNode[];
}

export interface ScalarNode {
  readonly kind: 'scalar';
  readonly pos: SourcePos;
  readonly value: ScalarValue;
  /** Where the value's first character sits, when the value is its source text verbatim. */
  readonly textPos?: SourcePos;
}

export type LNode = MapNode | SeqNode | ScalarNode;

/** Merges an override file's tree over a base: maps merge key by key, anything else is replaced. */
export function mergeNodes(base: LNode, over: LNode): LNode {
  if (base.kind !== 'map' || over.kind !== 'map') return over;
  const entries = new Map(base.entries);
  for (const [key, entry] of over.entries) {
    const prev = entries.get(key);
    entries.set(key, prev ? { keyPos: entry.keyPos, value: mergeNodes(prev.value, entry.value) } : entry);
  }
  return { kind: 'map', pos: base.pos, entries };
}

/** The plain JSON-like value of a tree, for the schema validator and the typed normalizer. */
export function toPlain(node: LNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      // defineProperty, so that a key named `__proto__` stays a plain key.
      for (const [key, entry] of node.entries) {
        Object.defineProperty(out, key, { value: toPlain(entry.value), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}

/** What a path leads to: the node, and the position of the key that holds it (for map entries). */
export interface Located {
  readonly node?: LNode;
  readonly keyPos?: SourcePos;
}

/** Follows a path of keys and indexes from the root; stops where the tree does. */
export function locate(root: LNode, path: readonly PathSeg[]): Located {
  let node: LNode | undefined = root;
  let keyPos: SourcePos | undefined;
  for (const seg of path) {
    if (node?.kind === 'map') {
      const entry: Entry | undefined = node.entries.get(String(seg));
      keyPos = entry?.keyPos;
      node = entry?.value;
    } else if (node?.kind === 'seq' && typeof seg === 'number') {
      node = node.items[seg];
      keyPos = undefined;
    } else {
      return {};
    }
    if (!node) return {};
  }
  return keyPos ? { node, keyPos } : { node };
}

/** The position of the value at a path, or of the deepest part of the path that exists. */
export function valuePos(root: LNode, path: readonly PathSeg[]): SourcePos {
  for (let n = path.length; n >= 0; n--) {
    const found = locate(root, path.slice(0, n)).node;
    if (found) return found.pos;
  }
  return root.pos;
}

/** The position of the key at the end of a path (falling back to its value). */
export function keyPos(root: LNode, path: readonly PathSeg[]): SourcePos {
  const found = locate(root, path);
  return found.keyPos ?? found.node?.pos ?? valuePos(root, path);
}

/** The position of the character at `index` of a string scalar (its start when unknown). */
export function posInText(node: LNode | undefined, index: number, fallback: SourcePos): SourcePos {
  if (!node || node.kind !== 'scalar') return fallback;
  const text = node.textPos && typeof node.value === 'string' ? node.value : undefined;
  if (!node.textPos || text === undefined || text.slice(0, index).includes('\n')) return node.pos;
  return { ...node.textPos, col: node.textPos.col + index };
}

/** A path as users read it: `processes.api.command[0]`. */
export function describePath(path: readonly PathSeg[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}
