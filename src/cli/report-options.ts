// Where a CI report goes, from the command line and the environment: `--report DIR`, and
// `$GITHUB_STEP_SUMMARY` (GitHub Actions gives each step that file to append Markdown to).
import { resolve } from 'node:path';
import type { ReportRequest } from '../app/options.js';
import { UsageError } from '../app/usage-error.js';
import { printable } from '../base/printable.js';
import type { Spec } from '../config/spec.js';
import { toPlainSpec } from '../config/to-plain-spec.js';
import type { ParsedArgs } from './args.js';
import { stringFlag } from './options.js';

/** The resolved spec as `procs config` prints it without --show-values. */
async function specText(spec: Spec): Promise<string> {
  const { yamlText } = await import('./yaml-out.js');
  const plain = toPlainSpec(spec, { inherited: process.env, showValues: false });
  return `# The resolved spec of ${printable(spec.files.join(', '))} (values shown as <set>)\n${yamlText(plain)}`;
}

/** The report's places; undefined when there is none (no `--report`, not on GitHub Actions). */
export function reportRequest(args: ParsedArgs): ReportRequest | undefined {
  const dir = stringFlag(args, 'report');
  if (dir === '') throw new UsageError('--report needs a folder, e.g. --report procs-report');
  const summary = process.env.GITHUB_STEP_SUMMARY;
  const summaryFile = summary !== undefined && summary !== '' ? summary : undefined;
  if (dir === undefined && summaryFile === undefined) return undefined;
  return { ...(dir !== undefined ? { dir: resolve(dir) } : {}), ...(summaryFile !== undefined ? { summaryFile } : {}), specText };
}
