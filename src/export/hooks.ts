// A unit's `hooks:` in each exported form: compose's lifecycle hooks (`post_start:` and
// `pre_stop:`, compose 2.30 and later), systemd's ExecStartPost= and ExecStop= (ExecStop= runs
// before the KillSignal, as pre_stop does) with on_failure as OnFailure= naming a one-shot unit,
// and Kubernetes' lifecycle.postStart and preStop exec handlers. What has no equivalent is a note.
import type { Lifecycle } from 'kubernetes-types/core/v1.js';
import type { Command, HookSpec, UnitSpec } from '../config/spec.js';
import { durationText } from './names.js';
import { argvOf } from './shell.js';
import { envAssignment, escapeSpecifiers, execLine, type Section } from './systemd-syntax.js';
import type { Notes } from './types.js';

type Entry = [string, string];

/** compose's `post_start:` and `pre_stop:` of a service (each a list of `{ command }`). */
export function composeHooks(unit: UnitSpec, service: string, notes: Notes): Record<string, { command: string[] }[]> {
  const h = unit.hooks;
  if (!h) return {};
  if (h.post_start || h.pre_stop) notes.add(`${service}: lifecycle hooks need docker compose 2.30 or later; their timeouts are not mapped`);
  if (h.post_start) notes.add(`${service}: compose runs post_start once the container starts, not after it is healthy, and its failure does not restart it`);
  if (h.on_failure) notes.add(`${service}: compose has no on_failure hook; left out`);
  return {
    ...(h.post_start ? { post_start: [{ command: argvOf(h.post_start.command) }] } : {}),
    ...(h.pre_stop ? { pre_stop: [{ command: argvOf(h.pre_stop.command) }] } : {}),
  };
}

/** The systemd unit that runs a unit's on_failure hook: `<service file without .service>-on-failure.service`. */
export function onFailureFile(serviceFile: string): string {
  return `${serviceFile.replace(/\.service$/, '')}-on-failure.service`;
}

/** Kubernetes' lifecycle of a container (a shell command as `["/bin/sh", "-c", …]`; every `$` doubled, as in `command`). */
export function kubernetesLifecycle(unit: UnitSpec, service: string, notes: Notes): Lifecycle | undefined {
  const h = unit.hooks;
  if (!h) return undefined;
  const exec = (hook: HookSpec): { exec: { command: string[] } } => ({ exec: { command: argvOf(hook.command).map((a) => a.replaceAll('$', '$$$$')) } });
  if (h.post_start || h.pre_stop)
    notes.add(`${service}: Kubernetes runs lifecycle hooks without their timeouts; pre_stop counts into terminationGracePeriodSeconds, as in procs`);
  if (h.post_start) notes.add(`${service}: Kubernetes runs postStart beside the container's start, not after it is ready`);
  if (h.on_failure) notes.add(`${service}: Kubernetes has no on_failure hook; left out (watch the pod's restarts or the Job's failure instead)`);
  if (!h.post_start && !h.pre_stop) return undefined;
  return { ...(h.post_start ? { postStart: exec(h.post_start) } : {}), ...(h.pre_stop ? { preStop: exec(h.pre_stop) } : {}) };
}

/** The entries a service's [Unit] and [Service] sections get from its hooks. */
export function systemdHookEntries(unit: UnitSpec, serviceFile: string, argvFor: (cmd: Command) => string[]): { unit: Entry[]; service: Entry[] } {
  const h = unit.hooks;
  return {
    unit: h?.on_failure ? [['OnFailure', onFailureFile(serviceFile)]] : [],
    service: [
      ...(h?.post_start ? ([['ExecStartPost', execLine(argvFor(h.post_start.command))]] as Entry[]) : []),
      ...(h?.pre_stop ? ([['ExecStop', execLine(argvFor(h.pre_stop.command))]] as Entry[]) : []),
    ],
  };
}

/** The sections of the one-shot unit that runs a unit's on_failure hook, with the unit's env and cwd. */
export function onFailureSections(
  unit: UnitSpec,
  hook: HookSpec,
  ctx: { readonly project: string; readonly envFiles: readonly string[]; readonly argv: string[]; readonly pathEnv?: Readonly<Record<string, string>> },
): Section[] {
  return [
    ['Unit', [['Description', escapeSpecifiers(`on_failure hook of procs unit ${unit.name} of ${ctx.project}`)]]],
    [
      'Service',
      [
        ['Type', 'oneshot'],
        ['WorkingDirectory', escapeSpecifiers(unit.cwd)],
        ...ctx.envFiles.map((f): Entry => ['EnvironmentFile', escapeSpecifiers(f)]),
        ...Object.entries({ ...ctx.pathEnv, ...unit.env }).map(([k, v]): Entry => ['Environment', envAssignment(k, v)]),
        ['Environment', envAssignment('PROCS_FAILED_UNIT', unit.name)],
        ['ExecStart', execLine(ctx.argv)],
        ['TimeoutStartSec', durationText(hook.timeoutMs)],
      ],
    ],
  ];
}

/** Notes on what systemd does differently with a service's hooks. */
export function systemdHookNotes(unit: UnitSpec, service: string, oneShot: boolean, notes: Notes): void {
  const h = unit.hooks;
  if (!h) return;
  if (h.post_start || h.pre_stop)
    notes.add(`${service}: hook timeouts are not mapped: TimeoutStartSec= bounds ExecStartPost=, TimeoutStopSec= bounds ExecStop=`);
  if (h.post_start && oneShot) notes.add(`${service}: as Type=oneshot, ExecStartPost= runs after the command has ended`);
  if (h.pre_stop) notes.add(`${service}: systemd runs ExecStop= also after the process exited on its own`);
  if (h.on_failure) {
    notes.add(
      `${service}: the on_failure unit gets PROCS_FAILED_UNIT; instead of PROCS_EXIT_CODE and PROCS_EXIT_SIGNAL, systemd 251 and later give it MONITOR_SERVICE_RESULT, MONITOR_EXIT_CODE and MONITOR_EXIT_STATUS`,
    );
  }
}
