// The container of a service for Kubernetes: command, working directory, environment sources,
// ports and probes.
import path from 'node:path';
import type { Container, ContainerPort, EnvFromSource, Probe } from 'kubernetes-types/core/v1.js';
import type { ProbeSpec, Spec } from '../config/spec.js';
import type { Service } from './model.js';
import { relativeCwd } from './model.js';
import { ceilSeconds } from './names.js';
import { argvOf, unitArgv } from './shell.js';
import { kubernetesLifecycle } from './hooks.js';
import { indexEnv, instanceProbe, poolArgv } from './kubernetes-pool.js';
import { CONTAINER_ROOT, type Notes } from './types.js';

export interface PodContext {
  readonly spec: Spec;
  readonly image: string;
  readonly notes: Notes;
  /** The ConfigMap holding a service's environment, by service name. */
  readonly configMap: (service: string) => string;
  /** The Secrets standing for a service's env files, lowest precedence first. */
  readonly secrets: (service: string) => readonly string[];
}

/** The container that runs a service. */
export function containerOf(svc: Service, name: string, ctx: PodContext): Container {
  // Kubernetes expands $(VAR) in command and args and reads $$ as a literal $: every $ is doubled.
  // A pool's pods read their index (and PORT) at run time; its command may go through /bin/sh for it.
  const pool = svc.kind === 'pool';
  const argv = (pool ? poolArgv(svc, ctx.notes) : unitArgv(svc.unit)).map((a) => a.replaceAll('$', '$$$$'));
  const execForm = !pool && svc.unit.kind !== 'pipeline' && svc.unit.command.kind === 'exec';
  const envFrom: EnvFromSource[] = [...ctx.secrets(svc.name).map((s) => ({ secretRef: { name: s } })), { configMapRef: { name: ctx.configMap(svc.name) } }];
  const ports = portsOf(svc);
  const readiness = svc.unit.health.readiness && probeOf(svc.unit.health.readiness, 'readiness', svc, ctx.notes);
  const liveness = svc.unit.health.liveness && probeOf(svc.unit.health.liveness, 'liveness', svc, ctx.notes);
  const lifecycle = kubernetesLifecycle(svc.unit, svc.name, ctx.notes);
  return {
    name,
    image: ctx.image,
    ...(execForm ? { command: argv.slice(0, 1), args: argv.slice(1) } : { command: argv }),
    workingDir: workingDir(svc, ctx),
    ...(pool ? { env: indexEnv(svc) } : {}),
    envFrom,
    ...(ports.length > 0 ? { ports } : {}),
    ...(readiness ? { readinessProbe: readiness } : {}),
    ...(liveness ? { livenessProbe: liveness } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    // A unit on a terminal takes keystrokes through it (`kubectl attach -it`), as through `procs attach`.
    ...(svc.unit.tty === true ? { tty: true } : {}),
    ...(svc.unit.tty === true || svc.unit.stdin === true ? { stdin: true } : {}),
  };
}

/** The unit's cwd below /app, as the spec's folder is laid out in the image. */
function workingDir(svc: Service, ctx: PodContext): string {
  const rel = relativeCwd(ctx.spec, svc.unit.cwd);
  if (rel === undefined) ctx.notes.add(`${svc.name}: cwd ${svc.unit.cwd} lies outside the spec's folder; the container starts in ${CONTAINER_ROOT}`);
  return path.posix.join(CONTAINER_ROOT, rel ?? '');
}

/** Container ports: a pool's `port:`, the ports of `listen:`, and the ports its probes check. */
function portsOf(svc: Service): ContainerPort[] {
  const ports = new Set<number>();
  if (svc.basePort !== undefined) for (let i = 0; i < svc.replicas; i++) ports.add(svc.basePort + i);
  if (svc.unit.kind !== 'pipeline') for (const a of svc.unit.listen?.addresses ?? []) ports.add(a.port);
  for (const probe of [svc.unit.health.readiness, svc.unit.health.liveness]) {
    const port = probe && probePort(probe);
    if (port !== undefined) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b).map((containerPort) => ({ containerPort }));
}

/** The port a tcp or http probe checks, when it has one. */
function probePort(probe: ProbeSpec): number | undefined {
  if (probe.check.kind === 'tcp') return probe.check.port;
  if (probe.check.kind !== 'http') return undefined;
  const url = parseUrl(probe.check.url);
  return url ? urlPort(url) : undefined;
}

/** A probe in Kubernetes terms; undefined for a log probe, which Kubernetes has no equivalent of. */
function probeOf(probe: ProbeSpec, which: 'readiness' | 'liveness', svc: Service, notes: Notes): Probe | undefined {
  const unit = svc.name;
  // A pool's probe of its own port checks each pod's PORT (port + index), computed in the pod.
  const own = svc.basePort !== undefined ? instanceProbe(probe, svc.basePort) : undefined;
  if (own) notes.add(`${unit}: the ${which} probe checks each pod's own PORT through an exec probe (wget or nc of the image's busybox)`);
  const action = own ? { exec: own } : actionOf(probe, which, unit, notes);
  if (!action) return undefined;
  const successThreshold = which === 'liveness' ? 1 : probe.successThreshold;
  if (successThreshold !== probe.successThreshold)
    notes.add(`${unit}: Kubernetes requires success_threshold 1 for a liveness probe; ${probe.successThreshold} became 1`);
  for (const [key, ms] of [
    ['interval', probe.intervalMs],
    ['timeout', probe.timeoutMs],
    ['initial_delay', probe.initialDelayMs],
  ] as const) {
    if (ms % 1000 !== 0) notes.add(`${unit}: the ${which} probe's ${key} of ${ms}ms is rounded up to whole seconds, as Kubernetes counts them`);
  }
  return {
    ...action,
    periodSeconds: ceilSeconds(probe.intervalMs),
    timeoutSeconds: ceilSeconds(probe.timeoutMs),
    initialDelaySeconds: ceilSeconds(probe.initialDelayMs, 0),
    failureThreshold: probe.failureThreshold,
    successThreshold,
  };
}

/** The check itself: httpGet, tcpSocket or exec. */
function actionOf(probe: ProbeSpec, which: string, unit: string, notes: Notes): Probe | undefined {
  const check = probe.check;
  // Kubernetes probes the pod's IP: a host meaning "this machine" is left out.
  const loopback = (host: string): boolean => {
    if (host === '0.0.0.0') return true;
    const local = /^(127\.|localhost$|\[?::1\]?$)/.test(host);
    if (local) notes.add(`${unit}: Kubernetes probes the pod's IP, not ${host}: the process must listen on all interfaces (0.0.0.0)`);
    return local;
  };
  switch (check.kind) {
    case 'exec':
      return { exec: { command: argvOf(check.command) } };
    case 'tcp':
      return { tcpSocket: { port: check.port, ...(loopback(check.host) ? {} : { host: check.host }) } };
    case 'http': {
      const url = parseUrl(check.url);
      if (!url) {
        notes.add(`${unit}: the ${which} probe's URL ${check.display} cannot be parsed; probe left out`);
        return undefined;
      }
      const scheme = url.protocol === 'https:' ? 'HTTPS' : 'HTTP';
      const host = loopback(url.hostname) ? {} : { host: url.hostname };
      return { httpGet: { path: `${url.pathname}${url.search}`, port: urlPort(url), scheme, ...host } };
    }
    case 'log':
      notes.add(`${unit}: the ${which} probe watches the output for /${check.display}/; Kubernetes has no such probe, left out`);
      return undefined;
    case 'notify':
      notes.add(`${unit}: the ${which} probe waits for READY=1 on NOTIFY_SOCKET; Kubernetes has no such probe, left out`);
      return undefined;
  }
}

/** A URL, or undefined when it does not parse. */
function parseUrl(text: string): URL | undefined {
  return URL.canParse(text) ? new URL(text) : undefined;
}

/** A URL's port, or its scheme's default. */
function urlPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}
