// Rules the schema cannot state, read straight off the positioned tree so that they run even
// when parts of the spec are malformed: unique names across sections, known dependencies,
// no dependency cycles, known watch targets, and sane `-m` counts.
import path from 'node:path';
import { nowhere, type Diagnostics } from './diagnostics.js';
import { findCycles } from './graph.js';
import type { SourcePos } from './spec.js';
import { didYouMean } from '../base/suggest.js';
import { locate, type LNode } from './tree.js';

export const SECTIONS = ['processes', 'pools', 'pipelines', 'watch'] as const;
export type Section = (typeof SECTIONS)[number];
/** Each section's kind of thing, for messages. */
export const KIND_WORDS: Readonly<Record<Section, string>> = {
  processes: 'a process',
  pools: 'a pool',
  pipelines: 'a pipeline',
  watch: 'a watch rule',
};
const NAME = /^[a-z0-9][a-z0-9_-]*$/;
export const MAX_REPLICAS = 1024;

interface Declared {
  readonly section: Section;
  readonly name: string;
  readonly keyPos: SourcePos;
  readonly node: LNode;
}

interface Ref {
  readonly name: string;
  readonly pos: SourcePos;
}

/** Every name declared in the four sections, in file order. */
function declared(root: LNode): Declared[] {
  const out: Declared[] = [];
  if (root.kind !== 'map') return out;
  for (const [key, entry] of root.entries) {
    const section = SECTIONS.find((s) => s === key);
    if (!section || entry.value.kind !== 'map') continue;
    for (const [name, e] of entry.value.entries) out.push({ section, name, keyPos: e.keyPos, node: e.value });
  }
  return out;
}

/** The names a list of names (or a map keyed by names) refers to, where they are written. */
function refs(node: LNode | undefined): Ref[] {
  if (node?.kind === 'seq') {
    return node.items.flatMap((i) => (i.kind === 'scalar' && typeof i.value === 'string' ? [{ name: i.value, pos: i.pos }] : []));
  }
  if (node?.kind === 'map') return [...node.entries].map(([name, e]) => ({ name, pos: e.keyPos }));
  return [];
}

/** Runs the cross-reference rules and reports into `diags`. */
export function checkReferences(root: LNode, diags: Diagnostics): void {
  const all = declared(root);
  const first = new Map<string, Declared>();
  for (const d of all) {
    const prev = first.get(d.name);
    if (!prev) {
      first.set(d.name, d);
      continue;
    }
    const where = prev.keyPos.file === d.keyPos.file ? `line ${prev.keyPos.line}` : `${path.basename(prev.keyPos.file)}:${prev.keyPos.line}`;
    diags.error(d.keyPos, `duplicate name \`${d.name}\`: already used by ${KIND_WORDS[prev.section]} (${prev.section}.${prev.name}, ${where})`);
  }
  const units = all.filter((d) => d.section !== 'watch');
  const unitNames = [...new Set(units.map((u) => u.name))];
  const isUnit = new Set(unitNames);
  const depsOf = new Map<string, Ref[]>();
  for (const u of units) {
    const deps = refs(locate(u.node, ['depends_on']).node).filter((r) => NAME.test(r.name));
    depsOf.set(u.name, [...(depsOf.get(u.name) ?? []), ...deps]);
    for (const r of deps) {
      if (isUnit.has(r.name)) continue;
      const rule = first.get(r.name)?.section === 'watch';
      diags.error(
        r.pos,
        rule
          ? `\`${r.name}\` is a watch rule: ${u.section}.${u.name}.depends_on names processes, pools and pipelines`
          : `unknown dependency \`${r.name}\` in ${u.section}.${u.name}.depends_on${didYouMean(r.name, unitNames)}`,
      );
    }
  }
  for (const cycle of findCycles(unitNames, (n) => (depsOf.get(n) ?? []).map((r) => r.name))) {
    const at = (depsOf.get(cycle[0]!) ?? []).find((r) => r.name === cycle[1]);
    diags.error(at?.pos ?? root.pos, `dependency cycle: ${cycle.join(' → ')}`);
  }
  for (const w of all.filter((d) => d.section === 'watch')) {
    for (const r of refs(locate(w.node, ['restart']).node).filter((x) => NAME.test(x.name))) {
      if (!isUnit.has(r.name)) {
        diags.error(r.pos, `unknown unit \`${r.name}\` in watch.${w.name}.restart${didYouMean(r.name, unitNames)}`);
      }
    }
  }
  // Nothing to run would leave `up` waiting for ever; a watch rule that runs or syncs is work of its own.
  const rulesWithWork = all.some((d) => d.section === 'watch' && d.node.kind === 'map' && (d.node.entries.has('run') || d.node.entries.has('sync')));
  if (units.length === 0 && !rulesWithWork && !diags.hasErrors()) {
    diags.error(root.pos, 'nothing to run: no processes, pools or pipelines are defined (nor a watch rule with `run` or `sync`)');
  }
}

/** Checks `-m NAME=N` against what can be scaled; `all` sets every count. */
export function checkFormation(
  formation: Readonly<Record<string, number>>,
  scalable: readonly string[],
  others: ReadonlyMap<string, string>,
  diags: Diagnostics,
  noun = 'pool',
): void {
  const at = nowhere('-m');
  for (const [name, count] of Object.entries(formation)) {
    if (!Number.isInteger(count) || count < 0 || count > MAX_REPLICAS) {
      diags.error(at, `${name}=${count} is out of range: counts go from 0 to ${MAX_REPLICAS}`);
    }
    if (name === 'all' || scalable.includes(name)) continue;
    const kind = others.get(name);
    diags.error(at, kind ? `\`${name}\` is ${kind}: -m sets the size of pools` : `no ${noun} named \`${name}\`${didYouMean(name, scalable)}`);
  }
}

/**
 * The count `-m` gives a pool or Procfile entry, if any: its own, else `all`. A count out of range
 * gives none (`checkFormation` reports it), so that `-m web=100000` never builds an instance.
 */
export function formationCount(formation: Readonly<Record<string, number>> | undefined, name: string): number | undefined {
  if (!formation) return undefined;
  const n = Object.hasOwn(formation, name) ? formation[name] : Object.hasOwn(formation, 'all') ? formation.all : undefined;
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= MAX_REPLICAS ? n : undefined;
}
