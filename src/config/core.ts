// The pure core of the loader: spec files' texts (through an injected reader) in, a frozen Spec
// and every problem out. No discovery, no real filesystem: tests drive it with a map of texts.
import path from 'node:path';
import { checkReferences } from './checks.js';
import { checkProfileDependencies } from './profile-checks.js';
import type { AutoPort, Context, ReadFile, ReadResult, TreeCache } from './context.js';
import { Diagnostics, nowhere } from './diagnostics.js';
import { resolveExtends } from './extends.js';
import { deepFreeze } from './hash.js';
import { expandIncludes } from './include.js';
import { checkDurations, expansionBudget } from './limits.js';
import { normalize } from './normalize.js';
import { isProcfile, procfileTree } from './procfile.js';
import type { ProcsSpec } from './spec-types.generated.js';
import type { Spec, SpecDiagnostic } from './spec.js';
import { specText, yamlSpecTree, type LoadedSpec } from './spec-text.js';
import { mergeNodes, toPlain, type LNode } from './tree.js';
import { validateSchema } from './validate.js';

export interface CoreInput {
  /** Absolute paths of the spec files, in merge order (a Procfile stands alone). */
  readonly files: readonly string[];
  readonly readFile: ReadFile;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly formation?: Readonly<Record<string, number>> | undefined;
  /** Files already read into trees (JS configs, files found by search), by absolute path. */
  readonly preloaded?: ReadonlyMap<string, LoadedSpec> | undefined;
  /** Picks the port of a `port: auto` unit, `preferred` first (a running project's book of ports); without it, `preferred`. */
  readonly autoPort?: AutoPort | undefined;
  /** Trees parsed before, taken for a YAML file whose text is the same. */
  readonly trees?: TreeCache | undefined;
}

export interface CoreResult {
  readonly spec?: Spec;
  readonly diagnostics: SpecDiagnostic[];
  readonly files: string[];
  /** The other spec files the spec read: included, or extended from (absolute paths). */
  readonly included: string[];
  /** The env files the spec read (absolute paths), e.g. to reload when one changes. */
  readonly envFiles: string[];
}

/** Reads, merges, validates and normalizes the spec files; never throws for any input. */
export function buildSpec(input: CoreInput): CoreResult {
  const diags = new Diagnostics();
  const files = [...input.files];
  const readFile = memoize(input.readFile);
  const trees = files.map((file) => {
    const pre = input.preloaded?.get(file);
    if (!pre) return readTree(file, files.length, readFile, input, diags);
    pre.replay(diags);
    return pre.tree;
  });
  const envFiles = new Set<string>();
  let read = files;
  const done = (spec?: Spec): CoreResult => ({
    ...(spec && !diags.hasErrors() ? { spec: deepFreeze(spec) } : {}),
    diagnostics: diags.all(read),
    files,
    included: read.filter((f) => !files.includes(f)),
    envFiles: [...envFiles],
  });
  if (files.length === 0 || trees.some((t) => t === undefined)) return done();
  const root = path.dirname(files[0]!);
  const expanded = expandIncludes(files, trees as LNode[], readFile, diags);
  const extended = resolveExtends(
    expanded.trees.reduce((a, b) => mergeNodes(a, b)),
    root,
    readFile,
    diags,
  );
  read = [...expanded.files, ...extended.files.filter((f) => !expanded.files.includes(f))];
  const tree = extended.tree;
  const data = toPlain(tree);
  const usable = validateSchema(tree, data, diags);
  checkReferences(tree, diags);
  checkProfileDependencies(tree, diags);
  checkDurations(tree, diags);
  // An unresolved `extends` leaves its unit without a command: normalizing would only repeat that.
  if (usable === undefined || extended.failed) return done();
  const ctx: Context = {
    root,
    specFiles: files,
    tree,
    diags,
    env: input.env,
    formation: files.some(isProcfile) ? undefined : input.formation,
    readFile,
    envFiles,
    budget: expansionBudget(),
    ports: new Map(),
    autoPort: input.autoPort ?? ((_unit, preferred) => preferred),
  };
  // What failed the schema has been set aside: the rest conforms to it.
  return done(normalize(ctx, usable as ProcsSpec, read));
}

/** One file's tree: YAML, the `procs` key of a package.json, or a Procfile. */
function readTree(file: string, count: number, readFile: ReadFile, input: CoreInput, diags: Diagnostics): LNode | undefined {
  const read = readFile(file);
  if (!read.ok) {
    diags.error(nowhere(file), `cannot read the spec: ${read.reason}`);
    return undefined;
  }
  const text = specText(file, read.text, diags);
  if (text === undefined) return undefined;
  if (isProcfile(file)) {
    if (count > 1) {
      diags.error(nowhere(file), 'a Procfile cannot be merged with other spec files');
      return undefined;
    }
    return procfileTree(file, text, input.formation, diags);
  }
  const cached = input.trees?.get(file, text);
  if (cached) return cached;
  const problems = diags.count();
  const tree = yamlSpecTree(file, text, diags);
  if (tree && diags.count() === problems) input.trees?.put(file, text, tree);
  return tree;
}

/** Reads each file once, however many units name it. */
function memoize(readFile: ReadFile): ReadFile {
  const cache = new Map<string, ReadResult>();
  return (file, maxBytes) => {
    let r = cache.get(file);
    if (!r) {
      r = readFile(file, maxBytes);
      cache.set(file, r);
    }
    return r;
  };
}
