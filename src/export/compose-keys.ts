// What compose makes of each spec key of a service (the `--check` table), for the keys the
// service's own mapping does not record as it goes (restart, health, depends_on, log, watch).
import type { Spec } from '../config/spec.js';
import { usesIndex } from './compose-instances.js';
import { keysOf } from './keys.js';
import { relativeCwd, type Service } from './model.js';
import { durationText } from './names.js';
import type { ExportOptions, KeyRow, Notes } from './types.js';

/** Records the fates of a service's keys that are the same for every one of its compose services. */
export function composeKeyFates(svc: Service, spec: Spec, notes: Notes): void {
  const u = svc.unit;
  const key = (k: string, fate: 'mapped' | 'approximated' | 'dropped', how: string): void => notes.key(svc.name, k, fate, how);
  if (u.profiles) key('profiles', 'mapped', 'profiles');
  if (u.enabled === false) key('enabled', 'approximated', 'profile manual: started when named');
  if (u.hooks?.post_start) key('hooks.post_start', 'approximated', 'post_start at container start (compose 2.30+), no timeout');
  if (u.hooks?.pre_stop) key('hooks.pre_stop', 'approximated', 'pre_stop (compose 2.30+), no timeout');
  if (u.hooks?.on_failure) key('hooks.on_failure', 'dropped', 'compose has no on_failure hook');
  if (u.schedule) key('schedule', 'dropped', 'no scheduler: runs once at up');
  if (u.kind === 'pipeline') key('steps', 'approximated', 'entrypoint sh -c, pipefail where the shell has it');
  else key('command', 'mapped', 'entrypoint');
  if (svc.kind === 'pool') {
    if (usesIndex(svc)) key('replicas', 'mapped', `${svc.replicas} services ${svc.name}-0… with WORKER_ID`);
    else if (svc.replicas === 1) key('replicas', 'mapped', 'one service with WORKER_ID=0');
    else key('replicas', 'approximated', `deploy.replicas ${svc.replicas}, without WORKER_ID`);
  }
  if (u.kind !== 'pipeline') {
    if (svc.basePort !== undefined) key('port', 'mapped', `PORT ${svc.basePort}… and ports, per instance`);
    else if (u.port !== undefined) key('port', 'mapped', `PORT and ports ${u.env.PORT ?? ''}`);
    if (u.listen) key('listen', 'approximated', 'PORT and ports; no socket held across restarts');
  }
  const rel = relativeCwd(spec, u.cwd);
  if (rel === undefined) key('cwd', 'approximated', 'outside the project: working_dir /app');
  else key('cwd', 'mapped', 'working_dir');
  key('env', 'mapped', 'environment');
  key('env_file', 'mapped', 'env_file, referenced');
  if (u.health.liveness) key(`health.liveness.${u.health.liveness.check.kind}`, 'dropped', 'docker does not restart an unhealthy container');
  if (u.watchdogMs !== undefined) key('watchdog', 'dropped', 'compose has no watchdog');
  if (u.restart.successCodes.some((c) => c !== 0)) key('restart.success_codes', 'dropped', 'only exit code 0 is success');
  key('stop.signal', 'mapped', `stop_signal ${u.stop.signal}`);
  key('stop.timeout', 'mapped', `stop_grace_period ${durationText(u.stop.timeoutMs)}`);
  if (u.tty) key('tty', 'mapped', 'tty, stdin_open');
  if (u.stdin) key('stdin', 'mapped', 'stdin_open');
  if (u.noColor) key('color', 'mapped', 'FORCE_COLOR not set');
}

/** The recorded rows of the keys the spec uses (keysOf), so defaults compose writes anyway are not listed. */
export function keptKeys(rows: readonly KeyRow[], services: readonly Service[], spec: Spec, options: ExportOptions): KeyRow[] {
  const used = new Set<string>();
  for (const svc of services) for (const k of keysOf(svc, spec, options)) used.add(`${svc.name}\u0000${k}`);
  for (const rule of spec.watch) used.add(`watch.${rule.name}\u0000watch`);
  return rows.filter((r) => used.has(`${r.unit}\u0000${r.key}`));
}
