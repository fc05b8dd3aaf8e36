// `procs export systemd`: one .service per unit (a pool's instances each get their own, exact
// WORKER_ID and PORT included), a .socket per `listen:` owner, and a <project>.target that wants
// the services.
import path from 'node:path';
import type { RestartSpec, Spec, UnitSpec } from '../config/spec.js';
import { envFilesOf, servicesOf } from './model.js';
import { durationText, systemdName } from './names.js';
import { onFailureFile, onFailureSections, systemdHookEntries, systemdHookNotes } from './hooks.js';
import { commandFate, outsideDefaultPath, resolveCommandLine, resolveUnitCommand, searchPathEnv } from './systemd-command.js';
import { restartSteps, serviceNotes, systemdServiceKeys, type CommandFates } from './systemd-keys.js';
import { installComment, installTarget } from './systemd-install.js';
import { poolComment, serviceListenVars, socketNotes, socketSections } from './systemd-socket.js';
import { scheduledUnit } from './systemd-timer.js';
import { envAssignment, escapeSpecifiers, execLine, unitText, type Section } from './systemd-syntax.js';
import { onDemand, systemdOnDemandNote } from './profiles.js';
import { Notes, type ExportOptions, type ExportResult, type ExportFile } from './types.js';

const RESTART: Readonly<Record<RestartSpec['policy'], string>> = { always: 'always', 'on-failure': 'on-failure', never: 'no' };

/** The systemd units of a spec. */
export function exportSystemd(spec: Spec, options: ExportOptions = {}): ExportResult {
  const notes = new Notes();
  const services = servicesOf(spec, notes, false);
  const project = systemdName(spec.project);
  const fileOf = (unit: string): string => `${project}-${systemdName(unit)}.service`;
  const byName = new Map(services.map((s) => [s.name, s]));
  const written = `# Written by \`procs export systemd\` from ${spec.files.map((f) => path.basename(f)).join(', ')}.`;
  const header = `${written}\n${installComment(project, options.user === true)}`;
  const files: ExportFile[] = [];
  const onFailure: ExportFile[] = [];
  for (const svc of services) {
    const filesOf = (deps: readonly { name: string }[]): string[] => deps.flatMap((d) => (byName.get(d.name)?.instances ?? []).map((u) => fileOf(u.name)));
    const deps = filesOf(svc.dependsOn);
    // `restart: true`: stopped and started again with what it depends on (systemd stops it with it too).
    const partOf = filesOf(svc.dependsOn.filter((d) => d.restart));
    const listen = svc.unit.kind === 'pipeline' ? undefined : svc.unit.listen;
    const socket = listen && `${project}-${systemdName(listen.owner)}.socket`;
    const envFiles = envFilesOf(svc, options);
    const fates = commandFates(svc.unit, options, (n) => notes.add(`${svc.name}: ${n}`));
    for (const unit of svc.instances) {
      const ctx = { project, deps, partOf, envFiles, file: fileOf(unit.name), options, ...(socket ? { socket } : {}) };
      const sections = serviceSections(unit, ctx);
      const timed = unit.schedule && scheduledUnit(unit, unit.schedule, sections, { project, header, service: fileOf(unit.name) }, notes);
      files.push({ path: fileOf(unit.name), content: unitText(header, timed ? timed.service : sections) });
      if (timed) files.push(timed.timer);
      const hook = unit.hooks?.on_failure;
      if (hook) {
        const argv = resolveCommandLine(hook.command, unit, options).argv;
        const pathEnv = searchPathEnv(options, unit.env);
        onFailure.push({
          path: onFailureFile(fileOf(unit.name)),
          content: unitText(header, onFailureSections(unit, hook, { project, envFiles, argv, pathEnv })),
        });
      }
    }
    if (listen && socket) {
      const ctx = { project, services: svc.instances.map((u) => fileOf(u.name)) };
      const pool = svc.kind === 'pool';
      const text = unitText(pool ? `${header}\n${poolComment(listen, socket, ctx)}` : header, socketSections(listen, ctx));
      files.push({ path: socket, content: text });
      socketNotes(listen, socket, { pool, envFiles: envFiles.length > 0 }, notes);
    }
    serviceNotes(svc, notes);
    systemdServiceKeys(svc, { spec, options, byName }, fates, notes);
    systemdOnDemandNote(svc.unit, svc.name, svc.instances.map((u) => fileOf(u.name)).join(' '), notes);
    systemdHookNotes(svc.unit, svc.name, svc.oneShot, notes);
  }
  // Units procs starts only on demand (profiles, `enabled: false`) are not wanted by the target;
  // a scheduled unit's timer is wanted in place of its service.
  const onDemandFiles = new Set(spec.units.filter((u) => onDemand(u) !== undefined).map((u) => fileOf(u.name)));
  const timers = new Set(files.filter((f) => f.path.endsWith('.timer')).map((f) => f.path.replace(/\.timer$/, '.service')));
  const wants = files
    .filter((f) => {
      const service = f.path.replace(/\.timer$/, '.service');
      if (onDemandFiles.has(service)) return false;
      return (f.path.endsWith('.service') && !timers.has(f.path)) || f.path.endsWith('.timer');
    })
    .map((f) => f.path)
    .join(' ');
  // Started by OnFailure= only: not wanted by the target.
  files.push(...onFailure);
  const target: Section[] = [
    [
      'Unit',
      [
        ['Description', escapeSpecifiers(`procs project ${spec.project}`)],
        ['Wants', wants],
      ],
    ],
    ['Install', [['WantedBy', installTarget(options.user === true)]]],
  ];
  files.push({ path: `${project}.target`, content: unitText(header, target) });
  if (Object.values(options.envFiles ?? {}).some((f) => f.length > 0)) {
    notes.add('env files are referenced with EnvironmentFile= (not copied); there their values override Environment=, while in procs `env:` wins');
  }
  if (spec.watch.length > 0) notes.add('watch rules are for development and are not exported');
  for (const rule of spec.watch) notes.key(`watch.${rule.name}`, 'watch', 'dropped', 'development only: not exported');
  if (options.user !== true) notes.add('system units run as root (no User=): add User= to each [Service], or export --user units for your own user manager');
  return { files, notes: notes.all(), keys: notes.keys() };
}

interface UnitContext {
  readonly project: string;
  /** The unit files this one depends on. */
  readonly deps: readonly string[];
  /** The unit files whose restarts this one follows (`depends_on` with `restart: true`). */
  readonly partOf: readonly string[];
  readonly envFiles: readonly string[];
  /** This unit's own file (its on_failure unit is named after it). */
  readonly file: string;
  /** The socket unit holding the unit's `listen:` sockets (a pool's, shared by its instances). */
  readonly socket?: string;
  readonly options: ExportOptions;
}

/** The fates of a unit's command and hooks (programs resolved or left to systemd's PATH), their notes made. */
function commandFates(unit: UnitSpec, options: ExportOptions, note: (text: string) => void): CommandFates {
  const fateOf = (r: ReturnType<typeof resolveUnitCommand>, line: string): { fate: 'mapped' | 'approximated'; how: string } => {
    const f = commandFate(r, line, options);
    f.notes.forEach(note);
    const outside = outsideDefaultPath(r, options);
    if (outside !== undefined)
      note(
        `${outside} is not on systemd's PATH: a script that starts another program by name (npm's #!/usr/bin/env node) does not find it there; --path sets the units' PATH`,
      );
    return { fate: f.fate, how: f.how };
  };
  const hooks: Partial<Record<'post_start' | 'pre_stop' | 'on_failure', { fate: 'mapped' | 'approximated'; how: string }>> = {};
  const lines = { post_start: 'ExecStartPost=', pre_stop: 'ExecStop=', on_failure: 'ExecStart=' } as const;
  for (const hook of ['post_start', 'pre_stop', 'on_failure'] as const) {
    const h = unit.hooks?.[hook];
    if (h) hooks[hook] = fateOf(resolveCommandLine(h.command, unit, options), lines[hook]);
  }
  return { command: fateOf(resolveUnitCommand(unit, options), 'ExecStart='), hooks };
}

/** The [Unit], [Service] and [Install] sections of one unit. */
function serviceSections(unit: UnitSpec, ctx: UnitContext): Section[] {
  const oneShot = unit.restart.policy === 'never';
  const deps = [...ctx.deps, ...(ctx.socket ? [ctx.socket] : [])].join(' ');
  // PORT stays the first address's port, as procs sets it; systemd sets LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES.
  const listen = unit.kind === 'pipeline' ? undefined : unit.listen;
  const own = listen ? { ...unit.env, ...serviceListenVars(listen, unit.env) } : unit.env;
  const env = { ...searchPathEnv(ctx.options, own), ...own };
  const hooks = systemdHookEntries(unit, ctx.file, (cmd) => resolveCommandLine(cmd, unit, ctx.options).argv);
  const head: [string, string][] = [
    ['Description', escapeSpecifiers(`procs unit ${unit.name} of ${ctx.project}`)],
    ['PartOf', [`${ctx.project}.target`, ...ctx.partOf].join(' ')],
    ...(deps
      ? ([
          ['Requires', deps],
          ['After', deps],
        ] as [string, string][])
      : []),
    ...(oneShot ? [] : startLimits(unit.restart)),
    ...hooks.unit,
  ];
  const argv = resolveUnitCommand(unit, ctx.options).argv;
  const steps = oneShot ? undefined : restartSteps(unit);
  const successCodes = unit.restart.successCodes.filter((c) => c !== 0);
  // `readiness: { notify: true }` is systemd's own protocol; procs takes messages from the unit's whole group.
  const notify = !oneShot && unit.health.readiness?.check.kind === 'notify';
  const service: [string, string][] = [
    ['Type', oneShot ? 'oneshot' : notify ? 'notify' : 'exec'],
    ...(notify || unit.watchdogMs !== undefined ? ([['NotifyAccess', 'all']] as [string, string][]) : []),
    ...(unit.watchdogMs !== undefined ? ([['WatchdogSec', durationText(unit.watchdogMs)]] as [string, string][]) : []),
    ...(oneShot ? ([['RemainAfterExit', 'yes']] as [string, string][]) : []),
    ...(ctx.socket ? ([['Sockets', ctx.socket]] as [string, string][]) : []),
    ['WorkingDirectory', escapeSpecifiers(unit.cwd)],
    ...ctx.envFiles.map((f): [string, string] => ['EnvironmentFile', escapeSpecifiers(f)]),
    ...Object.entries(env).map(([k, v]): [string, string] => ['Environment', envAssignment(k, v)]),
    ['ExecStart', execLine(argv)],
    ...hooks.service,
    ['Restart', RESTART[unit.restart.policy]],
    ...(oneShot ? [] : ([['RestartSec', durationText(unit.restart.backoff.initialMs)]] as [string, string][])),
    ...(steps !== undefined
      ? ([
          ['RestartSteps', String(steps)],
          ['RestartMaxDelaySec', durationText(unit.restart.backoff.maxMs)],
        ] as [string, string][])
      : []),
    ...(successCodes.length > 0 ? ([['SuccessExitStatus', successCodes.join(' ')]] as [string, string][]) : []),
    ['KillMode', 'control-group'],
    ['KillSignal', unit.stop.signal],
    ['TimeoutStopSec', durationText(unit.stop.timeoutMs)],
  ];
  return [
    ['Unit', head],
    ['Service', service],
    // Started on demand: no [Install], `systemctl start` names it.
    ...(onDemand(unit) === undefined ? ([['Install', [['WantedBy', `${ctx.project}.target`]]]] as Section[]) : []),
  ];
}

/**
 * procs fails a unit after max_restarts restarts unless a run lasts reset_after; systemd fails it
 * after StartLimitBurst starts within StartLimitIntervalSec. The window is the backoff delays of
 * max_restarts restarts plus reset_after: an approximation, not the same rule.
 */
function startLimits(restart: RestartSpec): [string, string][] {
  let delay = restart.backoff.initialMs;
  let window = restart.resetAfterMs;
  for (let i = 0; i < restart.maxRestarts; i++) {
    window += delay;
    delay = Math.min(delay * restart.backoff.factor, restart.backoff.maxMs);
  }
  return [
    ['StartLimitIntervalSec', `${Math.ceil(window / 1000)}s`],
    ['StartLimitBurst', String(restart.maxRestarts + 1)],
  ];
}
