// A spec file's parsed tree as plain JSON data and back, for the cache of parsed files
// (rundir/spec-cache.ts): positions as [line, col] (the file is the cache entry's), map entries
// as [key, keyPos, node]. Decoding checks every field and gives undefined for anything else.
import type { SourcePos } from './spec.js';
import type { Entry, LNode, ScalarValue } from './tree.js';

type Pos = readonly [number, number];
type Encoded =
  readonly ['m', Pos, readonly (readonly [string, Pos, Encoded])[]] | readonly ['s', Pos, readonly Encoded[]] | readonly ['v', Pos, ScalarValue, Pos?];

/**
 * The tree as JSON data; undefined when it cannot come back the same: a position names another
 * file (the tree of one file only is kept), or a number JSON does not hold (infinite, NaN, -0).
 */
export function encodeTree(node: LNode, file: string): unknown {
  const pos = (p: SourcePos): Pos => {
    if (p.file !== file) throw new Uncacheable();
    return [p.line, p.col];
  };
  const enc = (n: LNode): Encoded => {
    switch (n.kind) {
      case 'map':
        return ['m', pos(n.pos), [...n.entries].map(([k, e]) => [k, pos(e.keyPos), enc(e.value)] as const)];
      case 'seq':
        return ['s', pos(n.pos), n.items.map(enc)];
      case 'scalar':
        if (typeof n.value === 'number' && (!Number.isFinite(n.value) || Object.is(n.value, -0))) throw new Uncacheable();
        return n.textPos === undefined ? ['v', pos(n.pos), n.value] : ['v', pos(n.pos), n.value, pos(n.textPos)];
    }
  };
  try {
    return enc(node);
  } catch (err) {
    if (err instanceof Uncacheable) return undefined;
    throw err;
  }
}

class Uncacheable extends Error {}

/** The tree that `encodeTree` gave `data` for `file`; undefined when `data` is not such a tree. */
export function decodeTree(data: unknown, file: string): LNode | undefined {
  const pos = (p: unknown): SourcePos => {
    if (!Array.isArray(p) || p.length !== 2 || !Number.isSafeInteger(p[0]) || !Number.isSafeInteger(p[1])) throw new NotATree();
    return { file, line: p[0] as number, col: p[1] as number };
  };
  const dec = (n: unknown): LNode => {
    if (!Array.isArray(n)) throw new NotATree();
    const [kind, at, body, text] = n as unknown[];
    if (kind === 'm' && Array.isArray(body) && n.length === 3) {
      const entries = new Map<string, Entry>();
      for (const e of body as unknown[]) {
        if (!Array.isArray(e) || e.length !== 3 || typeof e[0] !== 'string' || entries.has(e[0])) throw new NotATree();
        entries.set(e[0], { keyPos: pos(e[1]), value: dec(e[2]) });
      }
      return { kind: 'map', pos: pos(at), entries };
    }
    if (kind === 's' && Array.isArray(body) && n.length === 3) return { kind: 'seq', pos: pos(at), items: (body as unknown[]).map(dec) };
    if (kind === 'v' && (n.length === 3 || n.length === 4) && isScalar(body)) {
      return n.length === 4 ? { kind: 'scalar', pos: pos(at), value: body, textPos: pos(text) } : { kind: 'scalar', pos: pos(at), value: body };
    }
    throw new NotATree();
  };
  try {
    return dec(data);
  } catch (err) {
    if (err instanceof NotATree) return undefined;
    throw err;
  }
}

class NotATree extends Error {}

function isScalar(v: unknown): v is ScalarValue {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}
