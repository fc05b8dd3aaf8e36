// A unit's environment from its layers, lowest to highest: inherited, global env_file, global env,
// unit env_file, unit env, procs' own variables. Spec values are interpolated against the unit's
// final environment, except that a variable naming itself sees the layers below its own.
import type * as Dotenv from 'dotenv';
import { createRequire } from 'node:module';
import { interpolate, type ExpansionLimits, type InterpolationProblem, type Lookup } from './interpolate.js';
import type { LNode, PathSeg } from './tree.js';

export interface EnvEntry {
  readonly value: string;
  /** Values written in the spec are interpolated; inherited and env-file values are taken as they are. */
  readonly interpolate: boolean;
  /** Where the value is written (`processes.api.env.URL`), for messages. */
  readonly path?: readonly PathSeg[];
  /** The scalar holding the value, for positions. */
  readonly node?: LNode;
}

export type EnvLayer = ReadonlyMap<string, EnvEntry>;

/** Receives what went wrong while resolving: an interpolation problem, or a loop between variables. */
export interface EnvReporter {
  problem(entry: EnvEntry, problem: InterpolationProblem): void;
  loop(entry: EnvEntry, names: readonly string[]): void;
}

/** The inherited layer: all of `env`, none of it, or only the listed names. */
export function inheritedLayer(env: Readonly<Record<string, string | undefined>>, inherit: boolean | readonly string[]): EnvLayer {
  const out = new Map<string, EnvEntry>();
  if (inherit === false) return out;
  const names = inherit === true ? Object.keys(env) : inherit;
  for (const name of names) {
    // Only the environment's own variables: `constructor` must not find Object.prototype's.
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (typeof value === 'string') out.set(name, { value, interpolate: false });
  }
  return out;
}

/** A layer of literal values (env files, procs' own variables). */
export function literalLayer(vars: Readonly<Record<string, string>>): EnvLayer {
  return new Map(Object.entries(vars).map(([k, value]) => [k, { value, interpolate: false }]));
}

type DotenvParse = typeof Dotenv.parse;
let dotenvParse: DotenvParse | undefined;

/** The variables of a dotenv text, in dotenv syntax (values taken literally). dotenv loads on first use. */
export function parseDotenv(text: string): Record<string, string> {
  dotenvParse ??= (createRequire(import.meta.url)('dotenv') as { parse: DotenvParse }).parse;
  return dotenvParse(text);
}

/** Resolves every variable of the layers into the unit's final environment. */
export function resolveEnv(layers: readonly EnvLayer[], report: EnvReporter, limits?: ExpansionLimits, extra?: Lookup): Record<string, string> {
  const top = layers.length - 1;
  const memo = new Map<string, string>();
  const stack: { key: string; name: string; entry: EnvEntry }[] = [];

  const valueAt = (name: string, maxLayer: number): string | undefined => {
    for (let li = maxLayer; li >= 0; li--) {
      const entry = layers[li]?.get(name);
      if (entry) return evaluate(name, li, entry);
    }
    return undefined;
  };

  const evaluate = (name: string, li: number, entry: EnvEntry): string => {
    if (!entry.interpolate || !entry.value.includes('$')) return entry.value;
    const key = `${li}\0${name}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const from = stack.findIndex((s) => s.key === key);
    if (from !== -1) {
      const loop = stack.slice(from);
      report.loop(loop[0]!.entry, [...loop.map((s) => s.name), name]);
      return '';
    }
    stack.push({ key, name, entry });
    const r = interpolate(entry.value, (x) => extra?.(x) ?? (x === name ? valueAt(x, li - 1) : valueAt(x, top)), limits);
    stack.pop();
    for (const p of r.problems) report.problem(entry, p);
    memo.set(key, r.value);
    return r.value;
  };

  const names = new Set<string>();
  for (const layer of layers) for (const name of layer.keys()) names.add(name);
  const out: [string, string][] = [];
  for (const name of names) out.push([name, valueAt(name, top) ?? '']);
  return Object.fromEntries(out);
}

/** The message for a loop between variables: names only, never values. */
export function describeLoop(names: readonly string[]): string {
  return `environment variables refer to each other in a loop: ${names.join(' → ')}`;
}
