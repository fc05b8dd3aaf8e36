// `procs doctor`: what stands between this machine and a running project, checked one by one —
// the Node version, the platform, how units will be started (the spawner or child_process, and
// why), where the control socket would go, the project's spec, and whether its ports are free.
import { accessSync, constants, lstatSync } from 'node:fs';
import { createServer } from 'node:net';
import { formatDiagnostic, type LoadResult } from '../config/index.js';
import { unitPorts as portsOfUnit } from '../config/ports.js';
import type { Spec } from '../config/spec.js';
import { probeSpawner, spawnerStatus } from '../proc/create-host.js';
import { portHolder, portInUse } from '../proc/ports.js';
import { ttyHelper } from '../proc/tty.js';
import { projectPaths, SOCKET_PATH_MAX } from '../rundir/paths.js';
import { livePid } from '../rundir/pidlock.js';
import { loadProjectSpec } from './load.js';
import { locateRoot } from './locate.js';
import type { SpecRequest } from './options.js';

/** The oldest Node procs runs on (package.json `engines`; cli/entry.ts refuses older ones). */
export const NODE_FLOOR = '22.22';

/** `ok`: fine; `note`: procs works, but not at its best; `fail`: something to fix first. */
export type CheckLevel = 'ok' | 'note' | 'fail';

export interface DoctorCheck {
  readonly name: string;
  readonly level: CheckLevel;
  readonly detail: string;
}

/** Whether `version` (`22.22.0`) is at least NODE_FLOOR. */
export function nodeSupported(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [fMajor = 0, fMinor = 0] = NODE_FLOOR.split('.').map(Number);
  return major > fMajor || (major === fMajor && minor >= fMinor);
}

/** Every check, in order. */
export async function doctor(r: SpecRequest): Promise<DoctorCheck[]> {
  const node = process.versions.node;
  const checks: DoctorCheck[] = [
    nodeSupported(node)
      ? { name: 'node', level: 'ok', detail: `${node} (${NODE_FLOOR} or newer is supported)` }
      : { name: 'node', level: 'fail', detail: `${node}: procs needs ${NODE_FLOOR} or newer` },
    process.platform === 'linux'
      ? { name: 'platform', level: 'ok', detail: `${process.platform} ${process.arch}` }
      : { name: 'platform', level: 'fail', detail: `${process.platform} ${process.arch}: procs runs on linux only` },
  ];
  const spawner = await spawnerCheck();
  checks.push(spawner);
  const loaded = await loadProjectSpec(r).catch((err: unknown): LoadResult | string => (err instanceof Error ? err.message : String(err)));
  const root = typeof loaded !== 'string' && loaded.spec ? loaded.spec.root : (locateRoot(r.files) ?? process.cwd());
  const spec = typeof loaded !== 'string' ? loaded.spec : undefined;
  checks.push(terminalCheck(spec?.units.some((u) => u.tty === true) ?? false));
  const listening = spec?.units.filter((u) => u.kind !== 'pipeline' && u.listen !== undefined).map((u) => u.name) ?? [];
  if (listening.length > 0) checks.push(listenCheck(listening, spawner));
  checks.push(socketCheck(root), specCheck(loaded));
  if (typeof loaded !== 'string' && loaded.spec) checks.push(await portsCheck(loaded.spec));
  return checks;
}

/** The spawner in use, or why units start through child_process. */
export async function spawnerCheck(): Promise<DoctorCheck> {
  const status = spawnerStatus();
  if (status.binary === undefined) return { name: 'spawner', level: status.chosen ? 'ok' : 'note', detail: `units start through ${status.why}` };
  const failure = await probeSpawner(status.binary);
  if (failure === undefined) return { name: 'spawner', level: 'ok', detail: `units start through ${status.why}` };
  return { name: 'spawner', level: 'note', detail: `${status.binary} does not run here: ${failure}; units start through Node's child_process` };
}

/** `listen:` units need the spawner, which alone holds their sockets. */
export function listenCheck(units: readonly string[], spawner: DoctorCheck): DoctorCheck {
  const which = units.length === 1 ? `unit ${units[0]}` : `units ${units.join(', ')}`;
  if (spawner.level === 'ok' && spawner.detail.startsWith('units start through the spawner'))
    return { name: 'listen', level: 'ok', detail: `the spawner holds the sockets of ${which}` };
  return {
    name: 'listen',
    level: 'fail',
    detail: `${which} cannot start: only procs-spawner holds listen: sockets, and it is not in use (see the spawner check)`,
  };
}

/** How `tty: true` units get their terminal: the compiled helper, python3, or not at all (a failure when the spec has one). */
export function terminalCheck(specNeedsIt: boolean): DoctorCheck {
  const helper = ttyHelper();
  if ('missing' in helper) return { name: 'terminal', level: specNeedsIt ? 'fail' : 'note', detail: helper.missing };
  if (helper.args.length === 0) return { name: 'terminal', level: 'ok', detail: `tty: true units start through ${helper.file}` };
  return {
    name: 'terminal',
    level: 'note',
    detail: `tty: true units start through python3 (${helper.file} ${helper.args.join(' ')}): the compiled helper was not built`,
  };
}

/** Where `up` would bind the control socket, and whether only this user could reach it. */
function socketCheck(root: string): DoctorCheck {
  const paths = projectPaths(root);
  if (Buffer.byteLength(paths.socket) > SOCKET_PATH_MAX) {
    return {
      name: 'socket',
      level: 'ok',
      detail: `${paths.socket} is too long for a socket: it goes in a private folder of its own in $XDG_RUNTIME_DIR or /tmp`,
    };
  }
  try {
    const st = lstatSync(paths.dir);
    if (!st.isDirectory()) return { name: 'socket', level: 'fail', detail: `${paths.dir} is not a folder` };
    if (st.uid !== (process.getuid?.() ?? 0)) return { name: 'socket', level: 'fail', detail: `${paths.dir} belongs to uid ${st.uid}, not to this user` };
    accessSync(paths.dir, constants.W_OK);
    const mode = (st.mode & 0o777).toString(8);
    const note = mode === '700' ? 'private' : `mode ${mode}, made 700 on the next up`;
    return { name: 'socket', level: 'ok', detail: `${paths.socket} (${note})` };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { name: 'socket', level: 'fail', detail: `${paths.dir}: ${(err as Error).message}` };
  }
  try {
    accessSync(root, constants.W_OK);
    return { name: 'socket', level: 'ok', detail: `${paths.socket} (its folder is made, private, on the first up)` };
  } catch {
    return { name: 'socket', level: 'fail', detail: `${root} is not writable: procs cannot make ${paths.dir}` };
  }
}

/** The spec found (files, unit count) or its first problems. */
function specCheck(loaded: LoadResult | string): DoctorCheck {
  if (typeof loaded === 'string') return { name: 'spec', level: 'fail', detail: loaded };
  const files = loaded.files.join(', ');
  if (loaded.spec) {
    const n = loaded.spec.units.length;
    return { name: 'spec', level: 'ok', detail: `${files}: valid (${n} unit${n === 1 ? '' : 's'})` };
  }
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  const first = errors.slice(0, 3).map((d) => formatDiagnostic(d, process.cwd()));
  const more = errors.length > 3 ? `; and ${errors.length - 3} more (procs validate)` : '';
  return { name: 'spec', level: 'fail', detail: `${first.join('; ') || 'no spec found'}${more}` };
}

/** The ports the units will use on this machine: PORT in a unit's env, local tcp and http probes. */
export function unitPorts(spec: Spec): Map<number, string[]> {
  const ports = new Map<number, string[]>();
  for (const unit of spec.units) {
    // A `port: auto` port is picked free when the project starts.
    if (unit.kind !== 'pipeline' && unit.port === 'auto') continue;
    for (const port of portsOfUnit(unit, process.env.PORT)) ports.set(port, [...(ports.get(port) ?? []), unit.name]);
  }
  return ports;
}

/** Whether each port is free on 127.0.0.1. */
async function portsCheck(spec: Spec): Promise<DoctorCheck> {
  const ports = unitPorts(spec);
  if (ports.size === 0) return { name: 'ports', level: 'ok', detail: 'no unit names a port' };
  const running = livePid(projectPaths(spec.root).pid);
  if (running !== undefined) return { name: 'ports', level: 'ok', detail: `${[...ports.keys()].join(', ')}: the project is running (procs pid ${running})` };
  const busy: string[] = [];
  for (const [port, units] of ports) {
    const holder = portHolder(port);
    const why = holder === undefined ? await portTaken(port) : portInUse(holder, () => undefined).replace(`port ${port} is `, '');
    if (why !== undefined) busy.push(`${port} (${units.join(', ')}) is ${why}`);
  }
  if (busy.length > 0) return { name: 'ports', level: 'fail', detail: busy.join('; ') };
  return { name: 'ports', level: 'ok', detail: `${[...ports.keys()].join(', ')} free` };
}

/** Undefined when `port` can be listened on at 127.0.0.1, else why not (`in use`). */
function portTaken(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE' ? 'in use' : `not usable (${err.code ?? err.message})`));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}
