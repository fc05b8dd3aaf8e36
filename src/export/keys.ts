// The spec keys each unit uses, as the spec names them: what the `--check` table lists, per
// target, as mapped, approximated or dropped. Read from the normalized spec: a key with a default
// is listed when it differs from the default (or when it always matters, like the command).
import type { Spec, UnitSpec } from '../config/spec.js';
import { DEFAULTS } from '../config/unit-parts.js';
import { servicesOf, type Service } from './model.js';
import { Notes, type ExportOptions, type KeyRow, type Target } from './types.js';

/** Variables procs sets itself: a unit whose env holds only these declares no `env`. */
const OWN_VARS = /^(PROCS_[A-Z_]+|PORT|WORKER_ID|FORCE_COLOR|NOTIFY_SOCKET|LISTEN_[A-Z_]+)$/;

/** The keys one service uses, in the order the spec reference lists them. */
export function keysOf(svc: Service, spec: Spec, options: ExportOptions = {}): string[] {
  const u: UnitSpec = svc.unit;
  const keys: string[] = [];
  if (u.profiles) keys.push('profiles');
  if (u.enabled === false) keys.push('enabled');
  for (const hook of ['post_start', 'pre_stop', 'on_failure'] as const) if (u.hooks?.[hook]) keys.push(`hooks.${hook}`);
  if (u.schedule) keys.push('schedule');
  keys.push(u.kind === 'pipeline' ? 'steps' : 'command');
  if (svc.kind === 'pool') keys.push('replicas');
  if (u.kind !== 'pipeline' && (u.port !== undefined || svc.basePort !== undefined)) keys.push('port');
  if (u.kind !== 'pipeline' && u.listen) keys.push('listen');
  if (u.cwd !== spec.root) keys.push('cwd');
  if (Object.keys(u.env).some((k) => !OWN_VARS.test(k))) keys.push('env');
  if ((options.envFiles?.[u.name] ?? []).length > 0) keys.push('env_file');
  for (const d of svc.dependsOn) keys.push(`depends_on.${d.name}`);
  for (const kind of ['readiness', 'liveness'] as const) {
    const probe = u.health[kind];
    if (probe) keys.push(`health.${kind}.${probe.check.kind}`);
  }
  if (u.watchdogMs !== undefined) keys.push('watchdog');
  keys.push('restart.policy');
  const r = u.restart;
  if (r.policy !== 'never') {
    keys.push('restart.max_restarts');
    const b = r.backoff;
    if (b.initialMs !== DEFAULTS.restart.initialMs || b.factor !== DEFAULTS.restart.factor || b.maxMs !== DEFAULTS.restart.maxMs) keys.push('restart.backoff');
    if (r.resetAfterMs !== DEFAULTS.restart.resetAfterMs) keys.push('restart.reset_after');
  }
  if (r.successCodes.some((c) => c !== 0)) keys.push('restart.success_codes');
  if (u.stop.signal !== 'SIGTERM') keys.push('stop.signal');
  if (u.stop.timeoutMs !== DEFAULTS.stop.timeoutMs) keys.push('stop.timeout');
  if (u.log.maxSizeBytes !== DEFAULTS.log.maxSizeBytes || u.log.keep !== DEFAULTS.log.keep) keys.push('log');
  if (u.tty) keys.push('tty');
  if (u.stdin) keys.push('stdin');
  if (u.noColor) keys.push('color');
  return keys;
}

/** What no exporter recorded: listed as dropped with this text, which a complete exporter never shows. */
export const UNCLASSIFIED = 'not classified by the exporter';

/**
 * Every key the spec uses, with what `target` made of it: the rows the exporter recorded, in the
 * spec's order (units, then watch rules), and every key it did not record as dropped
 * (UNCLASSIFIED). Rows of keys the spec does not use are kept, after the unit's own.
 */
export function keyTable(spec: Spec, target: Target, recorded: readonly KeyRow[], options: ExportOptions = {}): KeyRow[] {
  const byId = new Map(recorded.map((r) => [`${r.unit}\u0000${r.key}`, r]));
  const out: KeyRow[] = [];
  const take = (unit: string, key: string): void => {
    const id = `${unit}\u0000${key}`;
    out.push(byId.get(id) ?? { unit, key, fate: 'dropped', how: UNCLASSIFIED });
    byId.delete(id);
  };
  const services = servicesOf(spec, new Notes(), target !== 'systemd');
  for (const svc of services) {
    for (const key of keysOf(svc, spec, options)) take(svc.name, key);
    for (const [id, row] of byId) {
      if (row.unit !== svc.name) continue;
      out.push(row);
      byId.delete(id);
    }
  }
  for (const rule of spec.watch) take(`watch.${rule.name}`, 'watch');
  out.push(...byId.values());
  return out;
}
