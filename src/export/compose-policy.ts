// A unit's restart policy, log rotation and readiness probe in compose: `restart:` for docker
// compose beside `deploy.restart_policy` for Swarm (which reads only that), the json-file log
// driver's rotation, and a healthcheck run inside the container. Each records its keys' fates.
import type { LogSpec, ProbeSpec, RestartSpec } from '../config/spec.js';
import { durationText } from './names.js';
import { argvOf, shQuote } from './shell.js';
import type { Notes } from './types.js';

export interface Healthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period?: string;
}

export interface RestartPolicy {
  condition: 'any' | 'on-failure' | 'none';
  max_attempts?: number;
  delay?: string;
  window?: string;
}

export interface Logging {
  driver: 'json-file';
  options: { 'max-size': string; 'max-file': string };
}

/** compose's `restart:` (always, on-failure:N, "no") and Swarm's deploy.restart_policy. */
export function restartOf(restart: RestartSpec, unit: string, notes: Notes): { restart: string; policy: RestartPolicy } {
  if (restart.policy === 'never') {
    notes.key(unit, 'restart.policy', 'mapped', 'restart: "no", restart_policy none');
    return { restart: 'no', policy: { condition: 'none' } };
  }
  notes.add('backoff and reset_after do not map exactly: docker restarts containers with its own back-off; Swarm waits restart_policy.delay');
  const backoff = restart.backoff;
  notes.key(unit, 'restart.backoff', 'approximated', `restart_policy.delay ${durationText(backoff.initialMs)}, not growing (docker has its own back-off)`);
  notes.key(unit, 'restart.reset_after', 'approximated', `restart_policy.window ${durationText(restart.resetAfterMs)} (Swarm only)`);
  const policy: RestartPolicy = {
    condition: restart.policy === 'always' ? 'any' : 'on-failure',
    max_attempts: restart.maxRestarts,
    delay: durationText(backoff.initialMs),
    window: durationText(restart.resetAfterMs),
  };
  if (restart.policy === 'always') {
    notes.add(`${unit}: restart: always has no max_restarts in docker compose; it restarts for ever (Swarm stops after restart_policy.max_attempts)`);
    notes.key(unit, 'restart.policy', 'mapped', 'restart: always, restart_policy any');
    notes.key(unit, 'restart.max_restarts', 'approximated', `restart_policy.max_attempts ${restart.maxRestarts} (Swarm); docker compose restarts for ever`);
    return { restart: 'always', policy };
  }
  notes.key(unit, 'restart.policy', 'mapped', 'restart: on-failure, restart_policy on-failure');
  notes.key(unit, 'restart.max_restarts', 'mapped', `on-failure:${restart.maxRestarts}, max_attempts ${restart.maxRestarts}`);
  return { restart: `on-failure:${restart.maxRestarts}`, policy };
}

/** A size for docker's log options: bytes in k or m where they divide evenly. */
function sizeText(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}m`;
  if (bytes % 1024 === 0) return `${bytes / 1024}k`;
  return String(bytes);
}

/** The json-file driver's rotation: max-size per file, and the current file plus `keep` rotated ones. */
export function loggingOf(log: LogSpec, unit: string, notes: Notes): Logging {
  const logging: Logging = { driver: 'json-file', options: { 'max-size': sizeText(log.maxSizeBytes), 'max-file': String(log.keep + 1) } };
  notes.key(unit, 'log', 'mapped', `logging json-file max-size ${logging.options['max-size']}, max-file ${logging.options['max-file']}`);
  return logging;
}

/** A readiness probe as a healthcheck, run inside the container; undefined for a log or notify probe. */
export function healthcheckOf(probe: ProbeSpec, unit: string, notes: Notes): Healthcheck | undefined {
  const check = probe.check;
  const key = `health.readiness.${check.kind}`;
  let test: string[];
  if (check.kind === 'log') {
    notes.add(`${unit}: the readiness probe watches the output for /${check.display}/; compose has no such check, left out`);
    notes.key(unit, key, 'dropped', 'compose has no check on the output');
    return undefined;
  } else if (check.kind === 'notify') {
    notes.add(`${unit}: the readiness probe waits for READY=1 on NOTIFY_SOCKET; compose has no such check, left out`);
    notes.key(unit, key, 'dropped', 'compose has no sd_notify');
    return undefined;
  } else if (check.kind === 'exec') {
    const cmd = check.command;
    test = cmd.kind === 'shell' && cmd.shell === '/bin/sh' ? ['CMD-SHELL', cmd.script] : ['CMD', ...argvOf(cmd)];
    notes.key(unit, key, 'mapped', `healthcheck ${test[0]}`);
  } else if (check.kind === 'http') {
    const url = shQuote(check.url);
    test = ['CMD-SHELL', `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url} || exit 1`];
    notes.add(`${unit}: the http readiness check runs wget or curl inside the container: the image needs one of them`);
    notes.key(unit, key, 'approximated', 'healthcheck with wget or curl in the container');
  } else {
    test = ['CMD-SHELL', `nc -z ${shQuote(check.host)} ${check.port} || exit 1`];
    notes.add(`${unit}: the tcp readiness check runs nc inside the container: the image needs it`);
    notes.key(unit, key, 'approximated', 'healthcheck with nc in the container');
  }
  if (probe.successThreshold !== 1) {
    notes.add(`${unit}: compose healthchecks have no success_threshold; one success counts`);
    notes.key(unit, key, 'approximated', 'healthcheck; one success counts (no success_threshold)');
  }
  return {
    test,
    interval: durationText(probe.intervalMs),
    timeout: durationText(probe.timeoutMs),
    retries: probe.failureThreshold,
    ...(probe.initialDelayMs > 0 ? { start_period: durationText(probe.initialDelayMs) } : {}),
  };
}
