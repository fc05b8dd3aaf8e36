// What became of each spec key in the Kubernetes export: the rows of `procs export --check`.
// depends_on rows are recorded where the init containers are made (kubernetes-depends.ts).
import { DEFAULTS } from '../config/unit-parts.js';
import type { ProbeSpec, Spec } from '../config/spec.js';
import type { Service } from './model.js';
import { relativeCwd } from './model.js';
import { probeTarget } from './kubernetes-service.js';
import { fiveFields } from './schedule.js';
import { CONTAINER_ROOT, type Notes } from './types.js';

/** What a unit became: its workload kind, or an init container of another unit. */
export type Role = 'Deployment' | 'StatefulSet' | 'Job' | 'CronJob' | { readonly initOf: string };

export interface KeysContext {
  readonly spec: Spec;
  readonly notes: Notes;
  readonly role: Role;
  /** The Service's name and ports, when the unit has one. */
  readonly service?: { readonly name: string; readonly ports: readonly number[]; readonly headless: boolean };
  readonly configMap: string;
  readonly secrets: readonly string[];
  /** The keys the unit uses (keys.ts keysOf): only these get rows. */
  readonly uses: ReadonlySet<string>;
}

const BACKOFF = 'Kubernetes restarts containers with its own back-off (10s doubling to 5m)';

/** Records the fate of every key of `svc` but depends_on. */
export function recordKeys(svc: Service, ctx: KeysContext): void {
  const u = svc.unit;
  const key = (k: string, fate: 'mapped' | 'approximated' | 'dropped', how: string): void => {
    if (ctx.uses.has(k)) ctx.notes.key(svc.name, k, fate, how);
  };
  const init = typeof ctx.role === 'object';
  const where = typeof ctx.role === 'object' ? `init container of ${ctx.role.initOf}` : ctx.role;
  if (u.profiles) key('profiles', 'dropped', 'Kubernetes has no profiles: exported and run');
  if (u.enabled === false) key('enabled', 'dropped', 'Kubernetes runs what it is given: exported and run');
  const h = u.hooks;
  if (h?.post_start)
    key(
      'hooks.post_start',
      init ? 'dropped' : 'approximated',
      init ? 'init containers have no lifecycle' : 'lifecycle.postStart, beside the start, no timeout',
    );
  if (h?.pre_stop)
    key('hooks.pre_stop', init ? 'dropped' : 'approximated', init ? 'init containers have no lifecycle' : 'lifecycle.preStop, no timeout of its own');
  if (h?.on_failure) key('hooks.on_failure', 'dropped', 'Kubernetes has no on_failure hook');
  if (u.schedule) {
    const exact = !u.schedule.runOnStart && (u.schedule.cron !== undefined ? (fiveFields(u.schedule)?.exact ?? false) : false);
    key('schedule', exact ? 'mapped' : 'approximated', exact ? 'CronJob schedule' : 'CronJob schedule, in whole minutes, not run on start');
  }
  if (u.kind === 'pipeline') key('steps', 'approximated', 'one container: sh -c with pipefail');
  else
    key(
      'command',
      'mapped',
      svc.kind !== 'pool' ? 'container command' : `container command, ${svc.basePort !== undefined ? 'PORT and ' : ''}WORKER_ID per pod`,
    );
  if (svc.kind === 'pool')
    key('replicas', 'mapped', ctx.role === 'StatefulSet' ? `StatefulSet replicas ${svc.replicas}` : `Indexed Job completions ${svc.replicas}`);
  if (u.kind !== 'pipeline' && (u.port !== undefined || svc.basePort !== undefined)) {
    if (svc.basePort !== undefined) key('port', 'mapped', `PORT=${svc.basePort}+pod index; headless Service ${ctx.service?.name ?? svc.name}`);
    else if (u.port === 'auto') key('port', 'dropped', 'auto: no fixed port, no Service');
    else if (ctx.service) key('port', 'mapped', `PORT and Service ${ctx.service.name}:${u.port}`);
    else key('port', 'approximated', `PORT=${u.port}; no Service for a ${where}`);
  }
  if (u.kind !== 'pipeline' && u.listen) key('listen', 'approximated', `containerPort${ctx.service ? ' and Service' : ''}; no socket held across restarts`);
  if (u.cwd !== ctx.spec.root) {
    const rel = relativeCwd(ctx.spec, u.cwd);
    key(
      'cwd',
      rel === undefined ? 'approximated' : 'mapped',
      rel === undefined ? `outside the spec's folder: ${CONTAINER_ROOT}` : `workingDir ${CONTAINER_ROOT}/${rel}`,
    );
  }
  key('env', 'mapped', `ConfigMap ${ctx.configMap}`);
  if (ctx.secrets.length > 0) key('env_file', 'mapped', `Secret ${ctx.secrets.join(', ')} (kustomization.yaml secretGenerator)`);
  probeKey(svc, 'readiness', u.health.readiness, init, key);
  probeKey(svc, 'liveness', u.health.liveness, init, key);
  if (u.watchdogMs !== undefined) key('watchdog', 'dropped', 'Kubernetes has no watchdog; a liveness probe is closest');
  restartKeys(svc, ctx.role, key);
  if (u.stop.signal !== 'SIGTERM') key('stop.signal', 'dropped', `Kubernetes stops with SIGTERM; annotation procs/stop-signal`);
  if (u.stop.timeoutMs !== 10_000)
    key('stop.timeout', u.stop.timeoutMs % 1000 === 0 ? 'mapped' : 'approximated', `terminationGracePeriodSeconds ${Math.ceil(u.stop.timeoutMs / 1000)}`);
  if (u.log.maxSizeBytes !== DEFAULTS.log.maxSizeBytes || u.log.keep !== DEFAULTS.log.keep) key('log', 'dropped', 'the kubelet rotates container logs');
  if (u.tty) key('tty', 'mapped', 'tty: true, stdin: true');
  if (u.stdin) key('stdin', 'mapped', 'stdin: true');
  if (u.noColor) key('color', 'mapped', 'no FORCE_COLOR set');
}

type KeyFn = (k: string, fate: 'mapped' | 'approximated' | 'dropped', how: string) => void;

function probeKey(svc: Service, which: 'readiness' | 'liveness', probe: ProbeSpec | undefined, init: boolean, key: KeyFn): void {
  if (!probe) return;
  const k = `health.${which}.${probe.check.kind}`;
  const name = `${which}Probe`;
  if (init) return key(k, 'dropped', 'init containers have no probes');
  const kind = probe.check.kind;
  if (kind === 'log' || kind === 'notify') return key(k, 'dropped', `Kubernetes has no ${kind} probe`);
  const t = probeTarget(probe);
  if (svc.basePort !== undefined && t?.port === svc.basePort)
    return key(k, 'approximated', `${name} exec: ${kind === 'http' ? 'wget' : 'nc'} of the pod's own PORT`);
  const rounded = [probe.intervalMs, probe.timeoutMs, probe.initialDelayMs].some((ms) => ms % 1000 !== 0);
  const thresholdLost = which === 'liveness' && probe.successThreshold !== 1;
  const action = kind === 'http' ? 'httpGet' : kind === 'tcp' ? 'tcpSocket' : 'exec';
  if (rounded || thresholdLost)
    return key(k, 'approximated', `${name} ${action}${rounded ? ', times in whole seconds' : ''}${thresholdLost ? ', successThreshold 1' : ''}`);
  key(k, 'mapped', `${name} ${action}`);
}

function restartKeys(svc: Service, role: Role, key: KeyFn): void {
  const r = svc.unit.restart;
  if (typeof role === 'object') key('restart.policy', 'approximated', `runs once per pod start, as init container of ${role.initOf}`);
  else if (r.policy === 'always') key('restart.policy', 'mapped', 'restartPolicy Always');
  else if (r.policy === 'never') key('restart.policy', 'mapped', `${role} restartPolicy Never`);
  else if (role === 'CronJob') key('restart.policy', 'mapped', `Job restartPolicy Never, backoffLimit ${r.maxRestarts}`);
  else key('restart.policy', 'approximated', `${role} restartPolicy Always (a clean exit restarts too)`);
  if (r.policy !== 'never') {
    if (role === 'CronJob' && r.policy === 'on-failure') key('restart.max_restarts', 'mapped', `backoffLimit ${r.maxRestarts}`);
    else key('restart.max_restarts', 'dropped', BACKOFF);
    key('restart.backoff', 'dropped', BACKOFF);
    key('restart.reset_after', 'dropped', BACKOFF);
  }
  if (r.successCodes.some((c) => c !== 0)) key('restart.success_codes', 'dropped', 'only exit code 0 is success in Kubernetes');
}
