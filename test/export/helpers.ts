// Shared by the export tests: specs from in-memory texts, and each engine's own checks of the
// output (the compose JSON schema, the Kubernetes OpenAPI schemas, systemd's own verifier).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ReadFile } from '../../src/config/context.js';
import type { Spec } from '../../src/config/spec.js';
import { composeProblems } from '../../src/export/check/compose.js';
import { buildForExport, type ExportLoad } from '../../src/export/load.js';
import type { ExportFile } from '../../src/export/types.js';
import { systemdStructure as checkedStructure } from '../../src/export/check/systemd.js';
import { systemdVersion, verifyProblems } from '../../src/proc/systemd-analyze.js';

/** A reader over in-memory files below /project. */
function memoryReader(files: Readonly<Record<string, string>>): ReadFile {
  return (file) => {
    const text = files[file];
    return text === undefined ? { ok: false, missing: true, reason: 'no such file' } : { ok: true, text };
  };
}

/** Builds the spec for export from texts (relative to /project; the first is the spec file). */
export function load(texts: Readonly<Record<string, string>>, formation?: Record<string, number>): ExportLoad & { spec: Spec } {
  const abs = Object.fromEntries(Object.entries(texts).map(([k, v]) => [path.resolve('/project', k), v]));
  const first = path.resolve('/project', Object.keys(texts)[0] ?? 'procs.yaml');
  const r = buildForExport({ files: [first], readFile: memoryReader(abs), ...(formation ? { formation } : {}) });
  if (!r.spec) throw new Error(`no spec:\n${r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n')}`);
  return { ...r, spec: r.spec };
}

/** The one file of a result with this path. */
export function fileText(files: readonly ExportFile[], name: string): string {
  const f = files.find((x) => x.path === name);
  if (!f) throw new Error(`no file ${name} in ${files.map((x) => x.path).join(', ')}`);
  return f.content;
}

/** Errors of a compose file against the compose-spec JSON schema and procs' rules (export/check/compose.ts). */
export function composeSchemaErrors(text: string): string[] {
  return composeProblems(text);
}

/** The YAML documents of a multi-document file, as plain data. */
export function yamlDocs(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS() as Record<string, unknown>);
}

/** Runs `systemd-analyze verify` on unit files; undefined when the tool is not on this machine. */
export function systemdVerify(files: readonly ExportFile[]): string[] | undefined {
  const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'procs-systemd-'));
  try {
    for (const f of files) writeFileSync(path.join(dir, f.path), f.content);
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...files.map((f) => path.join(dir, f.path))], { encoding: 'utf8' });
    // A command missing on this machine (redis-server) is the machine's business, not the file's;
    // a key newer than this systemd (RestartSteps= before 254) is ignored by it.
    return verifyProblems(`${r.stdout}${r.stderr}`, dir, systemdVersion(probe.stdout));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Structural problems of a unit file (src/export/check/systemd.ts). */
export function systemdStructure(file: ExportFile): string[] {
  return checkedStructure(file);
}
