// One spec file's text as a positioned tree: YAML (and package.json's `procs` key, JSON being YAML),
// bounded in size. Shared by the core and by discovery's loaders, so that a spec found by search
// and one named with `-f` give the same tree and the same positioned problems.
import path from 'node:path';
import { Diagnostics } from './diagnostics.js';
import { MAX_SPEC_BYTES, sizeText, tooLarge } from './limits.js';
import type { SpecDiagnostic } from './spec.js';
import { locate, type LNode } from './tree.js';
import { parseYaml } from './yaml.js';

/** A spec file already read into a tree (or not, and why): what a loader hands to the core. */
export class LoadedSpec {
  constructor(
    readonly tree: LNode | undefined,
    readonly diagnostics: readonly SpecDiagnostic[],
  ) {}

  /** Records this file's problems into the diagnostics of a load. */
  replay(diags: Diagnostics): void {
    for (const d of this.diagnostics) {
      if (d.severity === 'error') diags.error(d, d.message);
      else diags.warn(d, d.message);
    }
  }
}

/** The text to parse (without a byte-order mark), or undefined when the file is too large. */
export function specText(file: string, text: string, diags: Diagnostics): string | undefined {
  if (tooLarge(text, MAX_SPEC_BYTES)) {
    diags.error({ file, line: 1, col: 1 }, `the spec file is larger than ${sizeText(MAX_SPEC_BYTES)}: refusing to read it`);
    return undefined;
  }
  return text.replace(/^\uFEFF/, '');
}

/** A YAML spec's tree; for a package.json, the tree of its `procs` key (an error without one). */
export function yamlSpecTree(file: string, text: string, diags: Diagnostics): LNode | undefined {
  const tree = parseYaml(file, text, diags);
  if (!tree || path.basename(file) !== 'package.json') return tree;
  const found = locate(tree, ['procs']);
  if (found.node) return found.node;
  diags.error({ file, line: 1, col: 1 }, 'package.json has no `procs` key');
  return undefined;
}

/** Reads a YAML spec's text (as a search loader gets it) into a LoadedSpec. */
export function loadYamlText(file: string, text: string): LoadedSpec {
  const diags = new Diagnostics();
  const body = specText(file, text, diags);
  const tree = body === undefined ? undefined : yamlSpecTree(file, body, diags);
  return new LoadedSpec(tree, diags.all());
}

/**
 * The `procs` key of a package.json text, read positioned: `{ procs: LoadedSpec }`, or `{}` when it
 * has none (search then goes on). A broken package.json that mentions the key counts, so that its
 * syntax error is shown rather than passed by.
 */
export function loadPackageText(file: string, text: string): { procs?: LoadedSpec } {
  const diags = new Diagnostics();
  const body = specText(file, text, diags);
  const tree = body === undefined ? undefined : parseYaml(file, body, diags);
  if (tree) {
    const node = locate(tree, ['procs']).node;
    return node ? { procs: new LoadedSpec(node, diags.all()) } : {};
  }
  return /"procs"\s*:/.test(text) ? { procs: new LoadedSpec(undefined, diags.all()) } : {};
}
