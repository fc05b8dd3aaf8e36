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
    // A command missing on this machine (redis-server) is the machine's business, not the file's.
    return `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '' && !/Command .* is not executable/.test(l));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const UNIT_KEYS: Readonly<Record<string, readonly string[]>> = {
  Unit: ['Description', 'PartOf', 'Requires', 'After', 'Wants', 'StartLimitIntervalSec', 'StartLimitBurst', 'OnFailure'],
  Service: [
    'Type',
    'NotifyAccess',
    'WatchdogSec',
    'RemainAfterExit',
    'Sockets',
    'WorkingDirectory',
    'EnvironmentFile',
    'Environment',
    'ExecStart',
    'ExecStartPost',
    'ExecStop',
    'Restart',
    'RestartSec',
    'SuccessExitStatus',
    'KillMode',
    'KillSignal',
    'TimeoutStopSec',
    'TimeoutStartSec',
  ],
  Socket: ['ListenStream', 'BindIPv6Only', 'Backlog', 'FileDescriptorName', 'Service'],
  Timer: ['OnCalendar', 'OnActiveSec', 'OnUnitActiveSec', 'AccuracySec', 'Unit'],
  Install: ['WantedBy'],
};

/** Structural problems of a unit file: lines outside sections, unknown sections or keys, a service without ExecStart, a socket without ListenStream. */
export function systemdStructure(file: ExportFile): string[] {
  const problems: string[] = [];
  let section: string | undefined;
  const seen = new Set<string>();
  for (const [i, line] of file.content.split('\n').entries()) {
    if (line === '' || line.startsWith('#')) continue;
    const head = /^\[([A-Za-z]+)\]$/.exec(line);
    if (head) {
      section = head[1];
      if (!section || !UNIT_KEYS[section]) problems.push(`${file.path}:${i + 1}: unknown section ${line}`);
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!section || !kv?.[1]) {
      problems.push(`${file.path}:${i + 1}: not a Key=value line in a section: ${line}`);
      continue;
    }
    if (!UNIT_KEYS[section]?.includes(kv[1])) problems.push(`${file.path}:${i + 1}: unknown key ${kv[1]} in [${section}]`);
    seen.add(`${section}.${kv[1]}`);
  }
  if (file.path.endsWith('.service') && !seen.has('Service.ExecStart')) problems.push(`${file.path}: no ExecStart=`);
  if (file.path.endsWith('.socket') && !seen.has('Socket.ListenStream')) problems.push(`${file.path}: no ListenStream=`);
  if (file.path.endsWith('.timer') && !seen.has('Timer.OnCalendar') && !seen.has('Timer.OnActiveSec'))
    problems.push(`${file.path}: no OnCalendar= or OnActiveSec=`);
  return problems;
}
