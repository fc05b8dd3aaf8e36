// The environment layers of the spec: the inherited environment, env files, `env:` maps, and the
// variables procs sets; and a unit's final environment from them.
import path from 'node:path';
import { baseDir, limitsOf, PORTS, reportProblem, type Context } from './context.js';
import { nowhere } from './diagnostics.js';
import { describeLoop, inheritedLayer, literalLayer, parseDotenv, resolveEnv, type EnvEntry, type EnvLayer } from './env.js';
import { MAX_ENV_FILE_BYTES, sizeText, tooLarge } from './limits.js';
import type { Env, EnvFile, ProcsSpec } from './spec-types.generated.js';
import type { SourcePos } from './spec.js';
import { describePath, locate, valuePos, type PathSeg } from './tree.js';

/** The three layers every unit starts from: inherited, global env_file, global env. */
export function globalLayers(ctx: Context, doc: ProcsSpec): EnvLayer[] {
  const inherited = inheritedLayer(ctx.env, doc.inherit_env ?? true);
  const files = doc.env_file === undefined ? defaultDotenv(ctx) : envFileLayer(ctx, doc.env_file, ['env_file']);
  return [inherited, files, specLayer(ctx, doc.env, ['env'])];
}

/** `.env` in the spec's folder, when it is there (a missing default is not an error). */
function defaultDotenv(ctx: Context): EnvLayer {
  const file = path.join(ctx.root, '.env');
  const read = ctx.readFile(file, MAX_ENV_FILE_BYTES);
  if (read.ok) {
    ctx.envFiles.add(file);
    return literalLayer(envFileVars(ctx, file, read.text, nowhere(file)));
  }
  if (!read.missing) ctx.diags.error(nowhere(file), `cannot read the env file: ${read.reason}`);
  return new Map();
}

/** The variables of the env files named at `where` (later files override earlier ones). */
export function envFileLayer(ctx: Context, raw: EnvFile | undefined, where: readonly PathSeg[]): EnvLayer {
  if (raw === undefined) return new Map();
  const list = typeof raw === 'string' ? [raw] : raw;
  const vars: Record<string, string> = {};
  list.forEach((name, i) => {
    const at = typeof raw === 'string' ? where : [...where, i];
    const file = path.resolve(baseDir(ctx, valuePos(ctx.tree, at).file), name);
    const read = ctx.readFile(file, MAX_ENV_FILE_BYTES);
    if (!read.ok) {
      const why = read.missing ? 'not found' : `cannot be read: ${read.reason}`;
      ctx.diags.error(valuePos(ctx.tree, at), `env file \`${name}\` ${why} (${describePath(at)})`);
      return;
    }
    ctx.envFiles.add(file);
    Object.assign(vars, envFileVars(ctx, file, read.text, valuePos(ctx.tree, at)));
  });
  return literalLayer(vars);
}

/**
 * The variables of an env file's text; none, with an error at `pos`, when it is too large to be an
 * env file, and none, with an error at the character, when it holds a NUL (no environment can).
 */
function envFileVars(ctx: Context, file: string, text: string, pos: SourcePos): Record<string, string> {
  if (tooLarge(text, MAX_ENV_FILE_BYTES)) {
    ctx.diags.error(pos, `env file \`${path.basename(file)}\` is larger than ${sizeText(MAX_ENV_FILE_BYTES)}: refusing to read it`);
    return {};
  }
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    const before = text.slice(0, nul);
    const line = before.split('\n').length;
    ctx.diags.error({ file, line, col: nul - before.lastIndexOf('\n') }, "a NUL character in an env file: no program's environment can hold one");
    return {};
  }
  return parseDotenv(text);
}

/** The variables of an `env:` map written in the spec: interpolated when resolved. */
export function specLayer(ctx: Context, env: Env | undefined, where: readonly PathSeg[]): EnvLayer {
  const out = new Map<string, EnvEntry>();
  for (const [name, value] of Object.entries(env ?? {})) {
    if (value === undefined) continue;
    const at = [...where, name];
    const node = locate(ctx.tree, at).node;
    out.set(name, { value: String(value), interpolate: true, path: at, ...(node ? { node } : {}) });
  }
  return out;
}

/** A unit's final environment from all its layers, with problems reported where they are written. */
export function unitEnv(ctx: Context, layers: readonly EnvLayer[]): Record<string, string> {
  return resolveEnv(
    layers,
    {
      problem(entry, p) {
        reportProblem(ctx, entry.path ?? [], entry.node, p);
      },
      loop(entry, names) {
        ctx.diags.error(entry.node?.pos ?? ctx.tree.pos, describeLoop(names));
      },
    },
    limitsOf(ctx),
    (name) => (name.startsWith(PORTS) ? ctx.ports.get(name.slice(PORTS.length)) : undefined),
  );
}
