// What normalization works with: the spec's folder, the positioned tree (for messages), the
// inherited environment, a way to read env files, and the diagnostics being collected.
import path from 'node:path';
import { suggest } from '../base/suggest.js';
import type { Diagnostics } from './diagnostics.js';
import { interpolate, type ExpansionLimits, type InterpolationProblem, type Lookup } from './interpolate.js';
import { MAX_VALUE_BYTES, type ExpansionBudget } from './limits.js';
import { takesValues } from './redact.js';
import type { Command as RawCommand } from './spec-types.generated.js';
import type { Command } from './spec.js';
import { describePath, locate, posInText, valuePos, type LNode, type PathSeg } from './tree.js';

/** Picks the port of the `port: auto` unit `unit`, `preferred` first; the same unit gets the same port. */
export type AutoPort = (unit: string, preferred: number) => number;

/** The result of reading a file: its text, or why it could not be read. */
export type ReadResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string; readonly missing: boolean };

/**
 * Reads a file by absolute path, refusing one larger than `maxBytes` (a spec's bound when not
 * given). Injected, so that the core needs no filesystem in tests.
 */
export type ReadFile = (absPath: string, maxBytes?: number) => ReadResult;

/**
 * Parsed trees of spec files kept between loads (rundir/spec-cache.ts): `get` gives the tree of
 * `file` when it was parsed from exactly `text`, `put` keeps one parsed without a problem.
 */
export interface TreeCache {
  get(file: string, text: string): LNode | undefined;
  put(file: string, text: string, tree: LNode): void;
}

export interface Context {
  /** Absolute folder of the first spec file. */
  readonly root: string;
  /** The spec files named with -f (or found): relative paths written in them resolve against `root`. */
  readonly specFiles?: readonly string[];
  readonly tree: LNode;
  readonly diags: Diagnostics;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly formation?: Readonly<Record<string, number>> | undefined;
  readonly readFile: ReadFile;
  /** Env files read so far (absolute paths), for callers that watch them. */
  readonly envFiles: Set<string>;
  /** What interpolation may still produce in this load. */
  readonly budget: ExpansionBudget;
  /** Picks the port of a `port: auto` unit. */
  readonly autoPort: AutoPort;
  /** The ports `${ports.NAME}` names, by unit (a process, or a pool's instance `POOL.I`); filled by `normalize`. */
  readonly ports: Map<string, string>;
}

/** Reports an interpolation problem at the character where its `${` is written. */
export function reportProblem(ctx: Context, where: readonly PathSeg[], node: LNode | undefined, p: InterpolationProblem): void {
  const pos = posInText(node, p.index, valuePos(ctx.tree, where));
  const hint = p.kind === 'port' ? portHint(ctx, p.name.slice('ports.'.length)) : '';
  const message = `${describePath(where)}: ${p.message}${hint}`;
  if (p.kind === 'undefined') ctx.diags.warn(pos, message);
  else ctx.diags.error(pos, message);
}

// What to write instead of an unknown `${ports.NAME}`: a close name, or the units that have a port.
function portHint(ctx: Context, name: string): string {
  const close = suggest(name, ctx.ports.keys());
  if (close !== undefined) return `; did you mean \`\${ports.${close}}\`?`;
  if (ctx.ports.has(`${name}.0`)) return `; ${name} is a pool: name one instance, \`\${ports.${name}.0}\``;
  const known = [...ctx.ports.keys()];
  return known.length === 0 ? ' (no unit has `port:` or a PORT written in its env)' : ` (units with a port: ${known.slice(0, 8).join(', ')})`;
}

/** The bounds interpolation keeps to in this load. */
export function limitsOf(ctx: Context): ExpansionLimits {
  return { maxChars: MAX_VALUE_BYTES, budget: ctx.budget };
}

/** Interpolates the string written at `where` against a unit's environment. */
export function interp(ctx: Context, where: readonly PathSeg[], text: string, lookup: Lookup): string {
  const r = interpolate(text, lookup, limitsOf(ctx));
  if (r.problems.length > 0) {
    const node = locate(ctx.tree, where).node;
    for (const p of r.problems) reportProblem(ctx, where, node, p);
  }
  return r.value;
}

/** A lookup into a finished environment, and into the units' ports for `${ports.NAME}`. */
export function lookupIn(env: Readonly<Record<string, string>>, ports?: ReadonlyMap<string, string>): Lookup {
  return (name) => {
    if (ports !== undefined && name.startsWith(PORTS)) return ports.get(name.slice(PORTS.length));
    return Object.hasOwn(env, name) ? env[name] : undefined;
  };
}

/** How `${ports.NAME}` begins. */
export const PORTS = 'ports.';

/** A command as the runtime takes it: a string through the shell, an array exec'd; interpolated. */
export function toCommand(ctx: Context, where: readonly PathSeg[], raw: RawCommand, lookup: Lookup, shell: string): Command {
  if (typeof raw === 'string') {
    const script = interp(ctx, where, raw, lookup);
    if (script.trim() === '') ctx.diags.error(valuePos(ctx.tree, where), `${describePath(where)} is empty once interpolated`);
    return { kind: 'shell', shell, script, ...(takesValues(raw, lookup) ? { written: raw } : {}) };
  }
  const parts = raw.map((part, i) => interp(ctx, [...where, i], part, lookup));
  const [file = '', ...args] = parts;
  if (file.trim() === '') ctx.diags.error(valuePos(ctx.tree, [...where, 0]), `${describePath([...where, 0])} is empty: it names the program to run`);
  return { kind: 'exec', file, args, ...(raw.some((part) => takesValues(part, lookup)) ? { written: [...raw] } : {}) };
}

/**
 * The folder relative paths written in `file` resolve against: the spec's folder for the spec
 * files, an included (or extended-from) file's own folder for the others.
 */
export function baseDir(ctx: Context, file: string): string {
  return ctx.specFiles === undefined || file === '' || ctx.specFiles.includes(file) ? ctx.root : path.dirname(file);
}

/**
 * An absolute working directory: `cwd` (interpolated) relative to the folder of the file it is
 * written in; without one, the folder of the file that defines the unit (`where` is UNIT.cwd).
 */
export function resolveCwd(ctx: Context, where: readonly PathSeg[], raw: string | undefined, lookup: Lookup): string {
  // The unit's map keeps the position of the file that first defined it (an override file's changes do not move it).
  if (raw === undefined) return baseDir(ctx, valuePos(ctx.tree, where.slice(0, 2)).file);
  return path.resolve(baseDir(ctx, valuePos(ctx.tree, where).file), interp(ctx, where, raw, lookup));
}
