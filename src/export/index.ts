// The exporters' public face: a target name and a spec in, the files of that engine and notes out.
import type { Spec } from '../config/spec.js';
import { exportCompose } from './compose.js';
import { exportKubernetes } from './kubernetes.js';
import { exportSystemd } from './systemd.js';
import { keyTable } from './keys.js';
import type { ExportOptions, ExportResult, Target } from './types.js';

export { loadForExport, type ExportLoad } from './load.js';
export { TARGETS, isTarget, type ExportFile, type ExportOptions, type ExportResult, type KeyFate, type KeyRow, type Target } from './types.js';
export { UNCLASSIFIED } from './keys.js';

const EXPORTERS: Readonly<Record<Target, (spec: Spec, options?: ExportOptions) => ExportResult>> = {
  systemd: exportSystemd,
  compose: exportCompose,
  kubernetes: exportKubernetes,
};

/**
 * The files and notes of `target` for a spec loaded by loadForExport (pure: nothing is written),
 * and what became of every key the spec uses.
 */
export function exportSpec(target: Target, spec: Spec, options: ExportOptions = {}): ExportResult {
  const result = EXPORTERS[target](spec, options);
  return { ...result, keys: keyTable(spec, target, result.keys, options) };
}
