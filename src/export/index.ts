// The exporters' public face: a target name and a spec in, the files of that engine and notes out.
import type { Spec } from '../config/spec.js';
import { exportCompose } from './compose.js';
import { exportKubernetes } from './kubernetes.js';
import { exportSystemd } from './systemd.js';
import type { ExportOptions, ExportResult, Target } from './types.js';

export { loadForExport, type ExportLoad } from './load.js';
export { TARGETS, isTarget, type ExportFile, type ExportOptions, type ExportResult, type Target } from './types.js';

const EXPORTERS: Readonly<Record<Target, (spec: Spec, options?: ExportOptions) => ExportResult>> = {
  systemd: exportSystemd,
  compose: exportCompose,
  kubernetes: exportKubernetes,
};

/** The files and notes of `target` for a spec loaded by loadForExport (pure: nothing is written). */
export function exportSpec(target: Target, spec: Spec, options: ExportOptions = {}): ExportResult {
  return EXPORTERS[target](spec, options);
}
