// What became of each spec key of a service under systemd (the `--check` table), and the notes on
// what it loses there. Every key export/keys.ts lists gets a fate here.
import type { Dependency, Spec, UnitSpec } from '../config/spec.js';
import { keysOf } from './keys.js';
import type { Service } from './model.js';
import { durationText } from './names.js';
import { onDemand } from './profiles.js';
import type { ExportOptions, Notes } from './types.js';

type Fate = 'mapped' | 'approximated' | 'dropped';

export interface CommandFates {
  /** The fate of `command` or `steps`. */
  readonly command: { readonly fate: Fate; readonly how: string };
  /** The fate of each hook's command (`post_start`…), when the unit has it. */
  readonly hooks: Readonly<Partial<Record<'post_start' | 'pre_stop' | 'on_failure', { readonly fate: Fate; readonly how: string }>>>;
}

/** A hook's fate: what systemd does differently is always there, an unresolved program on top. */
const HOOK_HOW: Readonly<Record<'post_start' | 'pre_stop' | 'on_failure', string>> = {
  post_start: 'ExecStartPost= (after the start, not after readiness; no timeout of its own)',
  pre_stop: 'ExecStop= (also after the process exited by itself)',
  on_failure: 'OnFailure= one-shot unit (MONITOR_* in place of PROCS_EXIT_*)',
};

/** What a `depends_on` entry becomes: Requires= and After=, waiting as far as systemd can. */
function dependencyFate(d: Dependency, dep: Service | undefined): { fate: Fate; how: string } {
  const restart = d.restart ? '; PartOf= also stops it with the dependency' : '';
  const approx = d.restart ? 'approximated' : 'mapped';
  if (d.condition === 'completed') return { fate: approx, how: `After= a Type=oneshot unit (waits for its end)${restart}` };
  const readiness = dep?.unit.health.readiness?.check.kind;
  if (d.condition === 'healthy' && readiness !== undefined && readiness !== 'notify')
    return { fate: 'approximated', how: `After= orders the start only: systemd does not wait for the ${readiness} probe${restart}` };
  const ready = d.condition === 'healthy' && readiness === 'notify' ? ' (waits for READY=1)' : '';
  return { fate: approx, how: `Requires= and After=${ready}${restart}` };
}

/** RestartSteps= from procs' backoff: the steps from the initial delay to the max, each `factor` longer. */
export function restartSteps(unit: UnitSpec): number | undefined {
  const b = unit.restart.backoff;
  if (b.factor <= 1 || b.maxMs <= b.initialMs || b.initialMs <= 0) return undefined;
  return Math.max(1, Math.ceil(Math.log(b.maxMs / b.initialMs) / Math.log(b.factor)));
}

export interface KeyContext {
  readonly spec: Spec;
  readonly options: ExportOptions;
  /** Every service by name, for what a dependency waits for. */
  readonly byName: ReadonlyMap<string, Service>;
}

/** Records the fate of every key the service uses (unit: the service's name as the spec writes it). */
export function systemdServiceKeys(svc: Service, ctx: KeyContext, fates: CommandFates, notes: Notes): void {
  const u = svc.unit;
  const byName = ctx.byName;
  // Only the keys the spec uses: a row for a key it does not use would be listed after them.
  const used = new Set(keysOf(svc, ctx.spec, ctx.options));
  const key = (k: string, fate: Fate, how: string): void => {
    if (used.has(k)) notes.key(svc.name, k, fate, how);
  };
  const why = onDemand(u);
  if (u.profiles) key('profiles', 'approximated', `not wanted by the target: systemctl start it${why ? ` (${why})` : ''}`);
  if (u.enabled === false) key('enabled', 'approximated', 'not wanted by the target: systemctl start it');
  for (const hook of ['post_start', 'pre_stop', 'on_failure'] as const) {
    if (!u.hooks?.[hook]) continue;
    const f = fates.hooks[hook];
    key(`hooks.${hook}`, 'approximated', `${HOOK_HOW[hook]}${f && f.fate !== 'mapped' ? `; ${f.how}` : ''}`);
  }
  if (u.schedule) {
    const s = u.schedule;
    const concurrency = s.concurrency === 'forbid' ? '' : `; concurrency ${s.concurrency} acts as forbid`;
    if (s.cron !== undefined) key('schedule', concurrency ? 'approximated' : 'mapped', `.timer OnCalendar=${concurrency}`);
    else key('schedule', 'approximated', `.timer OnUnitActiveSec= counts from the last run's start${concurrency}`);
  }
  if (u.kind === 'pipeline') key('steps', 'approximated', `${fates.command.how} pipeline, pipefail where the shell has it`);
  else key('command', fates.command.fate, fates.command.how);
  if (svc.kind === 'pool') key('replicas', 'mapped', `one service per instance (${svc.name}.0 to ${svc.name}.${svc.replicas - 1})`);
  if (u.kind !== 'pipeline' && (u.port !== undefined || svc.basePort !== undefined))
    key('port', 'mapped', svc.kind === 'pool' ? 'Environment=PORT per instance' : 'Environment=PORT');
  if (u.kind !== 'pipeline' && u.listen) key('listen', 'mapped', `socket activation: a .socket unit holds ${u.listen.owner}'s sockets`);
  key('cwd', 'mapped', 'WorkingDirectory=');
  key('env', 'mapped', 'Environment=');
  key('env_file', 'approximated', 'EnvironmentFile= (its values override env:, unlike procs)');
  for (const d of svc.dependsOn) {
    const f = dependencyFate(d, byName.get(d.name));
    key(`depends_on.${d.name}`, f.fate, f.how);
  }
  for (const kind of ['readiness', 'liveness'] as const) {
    const check = u.health[kind]?.check.kind;
    if (check === undefined) continue;
    if (kind === 'readiness' && check === 'notify')
      key(`health.${kind}.${check}`, svc.oneShot ? 'dropped' : 'mapped', svc.oneShot ? 'a one-shot has no readiness' : 'Type=notify');
    else key(`health.${kind}.${check}`, 'dropped', `systemd has no ${kind} probes${kind === 'liveness' ? ' (WatchdogSec= needs the process to ping)' : ''}`);
  }
  if (u.watchdogMs !== undefined) key('watchdog', 'mapped', `WatchdogSec=${durationText(u.watchdogMs)}`);
  const r = u.restart;
  key('restart.policy', 'mapped', `Restart=${r.policy === 'never' ? 'no' : r.policy}`);
  if (r.policy !== 'never') {
    key('restart.max_restarts', 'approximated', 'StartLimitBurst= starts within StartLimitIntervalSec=');
    const steps = restartSteps(u);
    key(
      'restart.backoff',
      'approximated',
      steps === undefined ? 'RestartSec= (a fixed delay)' : `RestartSec=, RestartSteps=${steps}, RestartMaxDelaySec= (systemd 254 and later)`,
    );
    key('restart.reset_after', 'approximated', 'counted into StartLimitIntervalSec=');
  }
  key('restart.success_codes', 'mapped', 'SuccessExitStatus=');
  key('stop.signal', 'mapped', 'KillSignal=');
  key('stop.timeout', 'mapped', 'TimeoutStopSec=');
  key('log', 'dropped', 'output goes to the journal, rotated by journald');
  key('tty', 'dropped', 'no terminal under systemd');
  key('stdin', 'dropped', 'no stdin under systemd');
  key('color', 'mapped', 'no FORCE_COLOR (the journal is not a terminal)');
}

/** Notes on what a service loses under systemd. */
export function serviceNotes(svc: Service, notes: Notes): void {
  const { health } = svc.unit;
  if ((health.readiness && health.readiness.check.kind !== 'notify') || health.liveness) {
    notes.add(`${svc.name}: systemd has no health probes; they are left out, and depends_on healthy only orders the start (After=)`);
  }
  if (!svc.oneShot && restartSteps(svc.unit) !== undefined) {
    notes.add('backoff: RestartSec= is the initial delay, RestartSteps= and RestartMaxDelaySec= grow it (systemd 254 and later; older ones ignore them)');
  }
  if (svc.kind === 'pipeline') notes.add(`${svc.name}: the pipeline runs through sh -c, with pipefail where /bin/sh has it`);
  const follows = svc.dependsOn.filter((d) => d.restart).map((d) => d.name);
  if (follows.length > 0)
    notes.add(`${svc.name}: PartOf= restarts it with ${follows.join(', ')}, but also stops it when they are stopped, which procs does not`);
  if (svc.unit.tty === true || svc.unit.stdin === true) notes.add(`${svc.name}: systemd has no terminal or stdin to attach to; tty and stdin are left out`);
}
