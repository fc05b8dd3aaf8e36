// The offline check of a systemd export: each unit file's structure (sections and keys procs
// writes, nothing outside a section, a service with ExecStart=, a socket with ListenStream=, a
// timer with a trigger) and the units it names (every Requires=, After=, Sockets=… is a file of
// the export, or one of systemd's own targets). `systemd-analyze verify` is run by the command
// line, where it is installed.
import type { ExportFile } from '../types.js';
import type { CheckReport } from './types.js';

/** The keys procs writes, per section: anything else is a mistake of the exporter. */
const UNIT_KEYS: Readonly<Record<string, readonly string[]>> = {
  Unit: ['Description', 'PartOf', 'Requires', 'After', 'Wants', 'StartLimitIntervalSec', 'StartLimitBurst', 'OnFailure'],
  Service: [
    'Type',
    'User',
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
    'RestartSteps',
    'RestartMaxDelaySec',
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

/** Keys whose value names other units. */
const REFERENCES = new Set(['Unit.PartOf', 'Unit.Requires', 'Unit.After', 'Unit.Wants', 'Unit.OnFailure', 'Service.Sockets', 'Socket.Service', 'Timer.Unit']);

/** systemd's own units an export may name without writing them. */
const SYSTEMD_UNITS = /^(default|multi-user|sockets|timers|network|network-online)\.target$/;

const EXEC_KEYS = new Set(['ExecStart', 'ExecStartPost', 'ExecStop']);

/**
 * Structural problems of a unit file: lines outside sections, unknown sections or keys, a service
 * without ExecStart, a socket without ListenStream, a timer without a trigger, a program that is
 * neither absolute nor a bare name; with `known` (every file of the export), units it names that
 * are not there.
 */
export function systemdStructure(file: ExportFile, known?: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  let section: string | undefined;
  const seen = new Set<string>();
  for (const [i, line] of file.content.split('\n').entries()) {
    const at = `${file.path}:${i + 1}`;
    if (line === '' || line.startsWith('#')) continue;
    const head = /^\[([A-Za-z]+)\]$/.exec(line);
    if (head) {
      section = head[1];
      if (!section || !UNIT_KEYS[section]) problems.push(`${at}: unknown section ${line}`);
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    const key = kv?.[1];
    const value = kv?.[2] ?? '';
    if (!section || key === undefined) {
      problems.push(`${at}: not a Key=value line in a section: ${line}`);
      continue;
    }
    if (!UNIT_KEYS[section]?.includes(key)) problems.push(`${at}: unknown key ${key} in [${section}]`);
    seen.add(`${section}.${key}`);
    if (known && REFERENCES.has(`${section}.${key}`)) {
      for (const name of value.split(/\s+/).filter(Boolean))
        if (!known.has(name) && !SYSTEMD_UNITS.test(name)) problems.push(`${at}: ${key}= names ${name}, which is not in the export`);
    }
    if (EXEC_KEYS.has(key)) {
      const program = /^("?)([^\s"]*)/.exec(value)?.[2] ?? '';
      if (program === '' || (program.includes('/') && !program.startsWith('/')))
        problems.push(`${at}: ${key}= runs ${program || 'nothing'}: systemd wants an absolute path or a bare name`);
    }
  }
  if (file.path.endsWith('.service') && !seen.has('Service.ExecStart')) problems.push(`${file.path}: no ExecStart=`);
  if (file.path.endsWith('.socket') && !seen.has('Socket.ListenStream')) problems.push(`${file.path}: no ListenStream=`);
  if (file.path.endsWith('.timer') && !seen.has('Timer.OnCalendar') && !seen.has('Timer.OnActiveSec'))
    problems.push(`${file.path}: no OnCalendar= or OnActiveSec=`);
  return problems;
}

/** Every problem of the files of a systemd export, per file. */
export function checkSystemd(files: readonly ExportFile[]): CheckReport[] {
  const known = new Set(files.map((f) => f.path));
  return files.map((f) => ({ file: f.path, checker: "procs' unit file rules", problems: systemdStructure(f, known) }));
}
