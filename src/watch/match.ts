// Which paths a watch rule cares about, decided once from its globs: the folders to watch, the
// files that count, and what is always left out (.git, node_modules, .procs, hidden folders, the
// rule's `ignore`, `--ignore`, and its own `sync` destination). Pure: strings in, booleans out.
import path from 'node:path';
import picomatch from 'picomatch';

/** Folder names never watched, wherever they appear. */
const ALWAYS_IGNORED: ReadonlySet<string> = new Set(['.git', 'node_modules', '.procs']);

export interface MatcherInput {
  /** Absolute folder the globs are relative to (the rule's cwd). */
  readonly cwd: string;
  readonly paths: readonly string[];
  readonly ignore: readonly string[];
  /** An absolute folder whose contents never count (the rule's `sync` destination). */
  readonly exclude?: string;
}

export interface RuleMatcher {
  /** Folders (or files) to hand to the watcher, relative to `cwd`, none inside another. */
  readonly roots: readonly string[];
  /** Whether a path (relative to `cwd`) is left out; `isDir` when known. A left-out folder hides its contents. */
  excluded(rel: string, isDir?: boolean): boolean;
  /** Whether a file (relative to `cwd`) counts as a change of this rule. */
  accepts(rel: string): boolean;
  /** A path as the rule reports it: relative to `cwd`, with forward slashes. */
  relative(absOrRel: string): string;
}

interface Include {
  readonly base: string;
  readonly test: (rel: string) => boolean;
}

// A glob written relative to `cwd` (or absolute), made relative, without a leading `./`.
export function normalizeGlob(cwd: string, glob: string): string {
  let g = glob.replaceAll('\\', '/');
  if (path.isAbsolute(g)) g = path.relative(cwd, g) || '.';
  while (g.startsWith('./')) g = g.slice(2);
  return g === '' ? '.' : g;
}

// One include glob: its static folder and its test; a plain path also covers what is under it.
function include(glob: string): Include {
  const scan = picomatch.scan(glob);
  if (!scan.isGlob) {
    const lit = glob === '.' ? '' : glob.replace(/\/+$/, '');
    return { base: lit === '' ? '.' : lit, test: (rel) => lit === '' || rel === lit || rel.startsWith(`${lit}/`) };
  }
  const isMatch = picomatch(glob);
  return { base: scan.base === '' ? '.' : scan.base, test: (rel) => isMatch(rel) };
}

// Whether `rel` is `base` or inside it (`.` contains everything below `cwd`).
function under(base: string, rel: string): boolean {
  return base === '.' ? !rel.startsWith('../') && rel !== '..' : rel === base || rel.startsWith(`${base}/`);
}

// Drops roots that lie inside another root.
function outermost(bases: readonly string[]): string[] {
  const unique = [...new Set(bases)];
  return unique.filter((b) => !unique.some((other) => other !== b && under(other, b)));
}

/** Compiles a rule's globs. Globs in `paths` starting with `!` are exclusions too. */
export function compileMatcher(input: MatcherInput): RuleMatcher {
  const globs = input.paths.map((g) => normalizeGlob(input.cwd, g));
  const includes = globs.filter((g) => !g.startsWith('!')).map(include);
  const ignoreGlobs = [...globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1)), ...input.ignore.map((g) => normalizeGlob(input.cwd, g))];
  const isIgnored = ignoreGlobs.length > 0 ? picomatch(ignoreGlobs, { dot: true }) : () => false;
  const exclude = input.exclude === undefined ? undefined : normalizeGlob(input.cwd, input.exclude);
  const bases = includes.map((i) => i.base);
  const relative = (p: string): string => {
    const rel = path.isAbsolute(p) ? path.relative(input.cwd, p) : p;
    return rel.replaceAll('\\', '/') || '.';
  };
  const excluded = (p: string, isDir?: boolean): boolean => {
    const rel = relative(p);
    if (rel === '.') return false;
    if (exclude !== undefined && exclude !== '.' && under(exclude, rel)) return true;
    const parts = rel.split('/');
    // Hidden folders count only below the static part of a glob: `.config/app/*.json` still works.
    const base = bases.find((b) => under(b, rel));
    const skip = base === undefined ? parts.length : base === '.' ? 0 : base.split('/').length;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      if (ALWAYS_IGNORED.has(part)) return true;
      const folder = i < parts.length - 1 || isDir === true;
      if (i >= skip && folder && part.startsWith('.') && part !== '..') return true;
    }
    let prefix = '';
    for (const part of parts) {
      prefix = prefix === '' ? part : `${prefix}/${part}`;
      if (isIgnored(prefix)) return true;
    }
    return false;
  };
  return {
    roots: outermost(bases),
    excluded,
    accepts: (p) => {
      const rel = relative(p);
      return !excluded(rel, false) && includes.some((i) => i.test(rel));
    },
    relative,
  };
}
