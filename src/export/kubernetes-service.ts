// Services in Kubernetes: a ClusterIP Service for each unit with a port (from `port:`, `listen:`
// or its http/tcp probe), a headless one for each pool (its pods reachable as NAME-i.NAME), and
// the init containers that make `depends_on: healthy` and `started` wait for a dependency's
// Service with a tcp or http check bounded by a timeout (busybox nc and wget, in the unit's image).
import type { Container, Service as K8sService } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { Dependency, ProbeSpec } from '../config/spec.js';
import type { Service } from './model.js';
import { dnsLabel } from './names.js';
import { shQuote } from './shell.js';

/** How long an init container waits for a dependency before it fails (and the pod tries again). */
export const WAIT_TIMEOUT_SECONDS = 300;

/** Whether a probe checks this machine (a host Kubernetes maps to the pod itself). */
function local(host: string): boolean {
  return host === '0.0.0.0' || host === '' || /^(127\.|localhost$|\[?::1\]?$)/.test(host);
}

/** The local port an http or tcp probe checks, with the http path when it is http. */
export function probeTarget(probe: ProbeSpec | undefined): { port: number; path?: string } | undefined {
  const check = probe?.check;
  if (check?.kind === 'tcp') return local(check.host) ? { port: check.port } : undefined;
  if (check?.kind !== 'http' || !URL.canParse(check.url)) return undefined;
  const url = new URL(check.url);
  if (!local(url.hostname) || url.protocol !== 'http:') return undefined;
  return { port: url.port ? Number(url.port) : 80, path: `${url.pathname}${url.search}` };
}

/**
 * The ports a unit's Service exposes, lowest first: a pool's `port:` (each instance's), a
 * process's `port:` (a number; `auto` has none fixed), `listen:`, and its local probes' ports.
 */
export function servicePorts(svc: Service): number[] {
  const ports = new Set<number>();
  const u = svc.unit;
  if (svc.basePort !== undefined) for (let i = 0; i < svc.replicas; i++) ports.add(svc.basePort + i);
  else if (u.kind !== 'pipeline' && typeof u.port === 'number') ports.add(u.port);
  if (u.kind !== 'pipeline') for (const a of u.listen?.addresses ?? []) ports.add(a.port);
  // A pool's probe on its own port checks each instance's port, listed above.
  for (const probe of [u.health.readiness, u.health.liveness]) {
    const t = probeTarget(probe);
    if (t && (svc.basePort === undefined || t.port !== svc.basePort)) ports.add(t.port);
  }
  return [...ports].sort((a, b) => a - b);
}

/** The Service of a unit: ClusterIP, or headless (clusterIP None) for a pool's StatefulSet. */
export function serviceObject(meta: ObjectMeta, selector: Record<string, string>, ports: readonly number[], headless: boolean): K8sService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta,
    spec: {
      ...(headless ? { clusterIP: 'None' } : {}),
      selector,
      ...(ports.length > 0 ? { ports: ports.map((port) => ({ name: `tcp-${port}`, port, targetPort: port, protocol: 'TCP' })) } : {}),
    },
  };
}

/** One address to wait for: host, port, and an http path when an http check says more than a tcp one. */
interface WaitTarget {
  readonly host: string;
  readonly port: number;
  readonly path?: string;
}

/** What a dependency waits on: each pod of a pool by its own DNS name, a process by its Service. */
export function waitTargets(target: Service, service: string, dep: Dependency): WaitTarget[] {
  const ports = servicePorts(target);
  const probe = dep.condition === 'healthy' ? probeTarget(target.unit.health.readiness) : undefined;
  if (target.kind === 'pool' && target.basePort !== undefined) {
    const base = target.basePort;
    const path = probe?.port === base ? probe.path : undefined;
    return Array.from({ length: target.replicas }, (_, i) => ({ host: `${service}-${i}.${service}`, port: base + i, ...(path !== undefined ? { path } : {}) }));
  }
  const port = probe?.port ?? ports[0];
  if (port === undefined) return [];
  const host = target.kind === 'pool' ? `${service}-0.${service}` : service;
  return [{ host, port, ...(probe?.path !== undefined && probe.port === port ? { path: probe.path } : {}) }];
}

/** The shell loop that waits until every target answers, or fails after WAIT_TIMEOUT_SECONDS. */
export function waitScript(targets: readonly WaitTarget[]): string {
  const checks = targets.map((t) => {
    const what = t.path !== undefined ? `http://${t.host}:${t.port}${t.path}` : `${t.host}:${t.port}`;
    const test = t.path !== undefined ? `wget -q -O /dev/null -T 2 ${shQuote(what)}` : `nc -z -w 2 ${t.host} ${t.port}`;
    return `until ${test}; do [ "$(date +%s)" -lt "$deadline" ] || { echo ${shQuote(`${what} did not answer in ${WAIT_TIMEOUT_SECONDS}s`)} >&2; exit 1; }; sleep 2; done`;
  });
  return [`deadline=$(($(date +%s) + ${WAIT_TIMEOUT_SECONDS}))`, ...checks].join('; ');
}

/** The init container that waits for one dependency's Service, in the unit's image. */
export function waitContainer(dep: string, image: string, targets: readonly WaitTarget[]): Container {
  // Kubernetes expands $(VAR) in command: every $ is doubled, as in the unit's own command.
  return { name: dnsLabel(`wait-${dep}`), image, command: ['/bin/sh', '-c', waitScript(targets).replaceAll('$', '$$$$')] };
}

/** How a wait reads in the key table: `waits for http://api:3000/health` or `waits for db:5432`. */
export function waitHow(targets: readonly WaitTarget[]): string {
  const t = targets[0];
  if (!t) return '';
  const first = t.path !== undefined ? `http://${t.host}:${t.port}${t.path}` : `tcp ${t.host}:${t.port}`;
  return `init container waits for ${first}${targets.length > 1 ? ` and ${targets.length - 1} more pods` : ''}`;
}
