// Watch rules as compose's `develop.watch` (`docker compose watch`, or `up --watch`): each path of a
// rule that restarts units becomes an entry on the services it restarts, with `restart` when the
// project is mounted and `sync+restart` into the container when it is built into the image.
// compose watches folders and files, not globs: a glob becomes its folder with `include:`.
import path from 'node:path';
import type { Spec, WatchRule } from '../config/spec.js';
import { fromOutput } from './compose-code.js';
import { CONTAINER_ROOT, type ExportOptions, type Notes } from './types.js';

export interface WatchEntry {
  path: string;
  action: 'restart' | 'sync+restart';
  target?: string;
  include?: string[];
  ignore?: string[];
}

const GLOB = /[*?[\]{}!]/;

/** A glob split at its first wildcard segment: the folder before it, and the pattern from there (if any). */
function splitGlob(glob: string): { dir: string; pattern?: string } {
  const parts = glob.split('/');
  const at = parts.findIndex((p) => GLOB.test(p));
  if (at < 0) return { dir: glob };
  return { dir: parts.slice(0, at).join('/') || '.', pattern: parts.slice(at).join('/') };
}

/** The entries of one rule, by compose service name; fates recorded under `watch.NAME`. */
function ruleEntries(spec: Spec, rule: WatchRule, services: readonly string[], outputDir: string, options: ExportOptions, notes: Notes): WatchEntry[] {
  const unit = `watch.${rule.name}`;
  const lost: string[] = [];
  const entries: WatchEntry[] = [];
  for (const glob of rule.paths) {
    const { dir, pattern } = splitGlob(glob);
    const abs = path.resolve(rule.cwd, dir);
    const rel = path.relative(spec.root, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      lost.push(`${glob} lies outside the project`);
      continue;
    }
    const ignore = rule.ignore.map((g) => {
      const prefix = `${dir}/`;
      return g.startsWith(prefix) ? g.slice(prefix.length) : g;
    });
    entries.push({
      path: fromOutput(outputDir, abs),
      ...(options.mount
        ? { action: 'restart' as const }
        : { action: 'sync+restart' as const, target: path.posix.join(CONTAINER_ROOT, rel.split(path.sep).join('/')) }),
      ...(pattern !== undefined && pattern !== '**' ? { include: [pattern] } : {}),
      ...(ignore.length > 0 ? { ignore } : {}),
    });
  }
  if (rule.run) lost.push('run (compose runs no build step on the host)');
  if (rule.sync !== undefined) lost.push('sync');
  if (rule.rolling) lost.push('rolling');
  if (entries.length === 0) {
    notes.add(`${unit}: left out: compose can only restart services on a change, and this rule has no path in the project to watch`);
    notes.key(unit, 'watch', 'dropped', 'nothing compose can watch');
    return [];
  }
  const how = `develop.watch ${options.mount ? 'restart' : 'sync+restart'} on ${services.join(', ')}`;
  if (lost.length > 0) {
    notes.add(`${unit}: develop.watch drops ${lost.join(', ')}; run \`docker compose watch\``);
    notes.key(unit, 'watch', 'approximated', `${how}; ${lost.map((l) => l.split(' ')[0]).join(', ')} dropped`);
  } else notes.key(unit, 'watch', 'mapped', how);
  return entries;
}

/**
 * The `develop.watch` entries of each compose service, from the spec's watch rules. `namesOf`: the
 * compose services a unit or pool name stands for.
 */
export function composeWatch(
  spec: Spec,
  namesOf: ReadonlyMap<string, readonly string[]>,
  outputDir: string,
  options: ExportOptions,
  notes: Notes,
): Map<string, WatchEntry[]> {
  const out = new Map<string, WatchEntry[]>();
  for (const rule of spec.watch) {
    const services = [...new Set(rule.restart.flatMap((name) => namesOf.get(name) ?? namesOf.get(name.replace(/\.\d+$/, '')) ?? []))];
    if (services.length === 0) {
      notes.add(`watch.${rule.name}: left out: it restarts no service, and compose runs no build step on the host`);
      notes.key(`watch.${rule.name}`, 'watch', 'dropped', 'restarts no service; compose runs nothing on the host');
      continue;
    }
    const entries = ruleEntries(spec, rule, services, outputDir, options, notes);
    for (const s of services) out.set(s, [...(out.get(s) ?? []), ...entries]);
  }
  return out;
}
