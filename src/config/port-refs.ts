// `${ports.NAME}`: the ports units are known to listen on (a process's `port:` or the PORT
// written in its env; each instance of a pool with `port:`), and the dependency naming one needs.
// A unit that names another's port must depend on it: the value is known at load, but the order
// is not, and only the user can say whether `started` is enough or it must wait for `healthy`.
import { formationCount } from './checks.js';
import { listenPort } from './listen.js';
import type { Context } from './context.js';
import type { Pipeline, Pool, Process, ProcsSpec } from './spec-types.generated.js';
import { describePath, keyPos, type PathSeg } from './tree.js';
import { DEFAULTS, dependencies } from './unit-parts.js';

/** `${ports.NAME}` as written (`$${` excepted): NAME is a unit, or `POOL.I`. */
const REFERENCE = /(?<!\$)\$\{ports\.([A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_]|[A-Za-z0-9_])/g;

// A PORT written as a plain number (not interpolated), or undefined.
function writtenPort(value: string | number | boolean | undefined): number | undefined {
  const text = typeof value === 'number' || typeof value === 'string' ? String(value) : '';
  const port = /^\d{1,5}$/.test(text) ? Number(text) : 0;
  return port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * Where the search for a `port: auto` unit's port starts: a number from the project's folder and
 * the unit's name, in 20000-32767 (below Linux's ephemeral ports), so that a project's units tend
 * to get the same ports from one `up` to the next and `procs config` shows them.
 */
export function preferredPort(root: string, unit: string): number {
  let h = 0x811c9dc5;
  for (const c of `${root}\0${unit}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return 20000 + (h % 12768);
}

/** Fills `ctx.ports` from the document, before any unit is normalized. */
export function knownPorts(ctx: Context, doc: ProcsSpec): void {
  for (const [name, raw] of Object.entries(doc.processes ?? {})) {
    const port =
      raw?.port === 'auto' ? ctx.autoPort(name, preferredPort(ctx.root, name)) : (raw?.port ?? listenPort(raw?.listen) ?? writtenPort(raw?.env?.PORT));
    if (port !== undefined) ctx.ports.set(name, String(port));
  }
  for (const [name, pool] of Object.entries(doc.pools ?? {})) {
    const shared = pool?.port === undefined ? listenPort(pool?.listen) : undefined;
    if (shared !== undefined) {
      // The instances share the pool's sockets: the pool's port is theirs.
      ctx.ports.set(name, String(shared));
      const replicas = formationCount(ctx.formation, name) ?? pool?.replicas ?? DEFAULTS.replicas;
      for (let i = 0; i < replicas; i++) ctx.ports.set(`${name}.${i}`, String(shared));
    }
    if (pool?.port === undefined) continue;
    const replicas = formationCount(ctx.formation, name) ?? pool.replicas ?? DEFAULTS.replicas;
    for (let i = 0; i < replicas && pool.port + i <= 65535; i++) ctx.ports.set(`${name}.${i}`, String(pool.port + i));
  }
}

/** An error for each unit whose port `raw` (the unit `name`, written at `where`) names without depending on it. */
export function checkPortDependencies(ctx: Context, name: string, raw: Process | Pool | Pipeline, where: readonly PathSeg[]): void {
  const written = JSON.stringify([raw.env ?? {}, 'steps' in raw ? raw.steps : raw.command, raw.health ?? {}, raw.cwd ?? '']);
  const deps = new Set(dependencies(raw.depends_on).map((d) => d.name));
  const missing = new Map<string, string>();
  for (const m of written.matchAll(REFERENCE)) {
    const ref = m[1] ?? '';
    if (!ctx.ports.has(ref)) continue; // an unknown name: reported where it is written
    const target = ref.includes('.') ? ref.slice(0, ref.lastIndexOf('.')) : ref; // POOL.I: the pool
    if (target !== name && !deps.has(target) && !missing.has(target)) missing.set(target, ref);
  }
  for (const [target, ref] of missing) {
    ctx.diags.error(
      keyPos(ctx.tree, where),
      `${describePath(where)}: \`\${ports.${ref}}\` names ${target}, which ${name} does not depend on: add \`depends_on: [${target}]\` (or \`{ ${target}: healthy }\` to wait until it is ready)`,
    );
  }
}
