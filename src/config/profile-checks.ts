// The validate rule of profiles and `enabled: false`, read off the positioned tree: a unit that
// can start by itself (by default, or through a profile) must not depend on a unit that stays
// inactive then. A dependency on a unit with profiles is fine when the two share a profile.
import type { Diagnostics } from './diagnostics.js';
import type { SourcePos } from './spec.js';
import { locate, type LNode } from './tree.js';

const UNIT_SECTIONS = ['processes', 'pools', 'pipelines'] as const;

interface UnitNode {
  readonly path: string;
  readonly node: LNode;
  /** As written; undefined without the key. */
  readonly profiles: readonly string[] | undefined;
  readonly disabled: boolean;
}

/** `a, b` as `profile a` or `profiles a, b`. */
function profileWords(list: readonly string[]): string {
  return `${list.length === 1 ? 'profile' : 'profiles'} ${list.join(', ')}`;
}

function unitNodes(root: LNode): Map<string, UnitNode> {
  const out = new Map<string, UnitNode>();
  if (root.kind !== 'map') return out;
  for (const section of UNIT_SECTIONS) {
    const sec = root.entries.get(section)?.value;
    if (sec?.kind !== 'map') continue;
    for (const [name, e] of sec.entries) {
      const p = locate(e.value, ['profiles']).node;
      const profiles = p?.kind === 'seq' ? p.items.flatMap((i) => (i.kind === 'scalar' && typeof i.value === 'string' ? [i.value] : [])) : undefined;
      const enabled = locate(e.value, ['enabled']).node;
      if (!out.has(name))
        out.set(name, { path: `${section}.${name}`, node: e.value, profiles, disabled: enabled?.kind === 'scalar' && enabled.value === false });
    }
  }
  return out;
}

/** The names `depends_on` lists (or keys), where each is written. */
function dependencyRefs(node: LNode): { name: string; pos: SourcePos }[] {
  const deps = locate(node, ['depends_on']).node;
  if (deps?.kind === 'seq') return deps.items.flatMap((i) => (i.kind === 'scalar' && typeof i.value === 'string' ? [{ name: i.value, pos: i.pos }] : []));
  if (deps?.kind === 'map') return [...deps.entries].map(([name, e]) => ({ name, pos: e.keyPos }));
  return [];
}

/** Reports each dependency of a unit that can start by itself on a unit that stays inactive then. */
export function checkProfileDependencies(root: LNode, diags: Diagnostics): void {
  const units = unitNodes(root);
  for (const [name, d] of units) {
    // Started only by name: what it needs comes along.
    if (d.disabled) continue;
    const when = d.profiles === undefined ? `${d.path} starts by default` : `${d.path} starts with ${profileWords(d.profiles)}`;
    for (const ref of dependencyRefs(d.node)) {
      const t = units.get(ref.name);
      if (!t || ref.name === name) continue;
      if (t.disabled) {
        diags.error(
          ref.pos,
          `inactive dependency \`${ref.name}\`: it has \`enabled: false\` (it starts only when named), but ${when}; remove \`enabled: false\` or the dependency`,
        );
      } else if (t.profiles !== undefined && !t.profiles.some((p) => d.profiles?.includes(p))) {
        diags.error(
          ref.pos,
          `inactive dependency \`${ref.name}\`: it starts only with ${profileWords(t.profiles)}, but ${when}; give ${name} one of its profiles, or remove them from ${ref.name}`,
        );
      }
    }
  }
}
