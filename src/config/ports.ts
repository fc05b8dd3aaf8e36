// The TCP ports a unit is known to listen on: PORT in its env (unless it only inherited procs'
// own PORT) and the port of its own tcp or http probe on a local address. `procs doctor` checks
// them all; before each start the process host checks the PORT (a probe may wait for a service
// procs does not run).
import type { UnitSpec } from './spec.js';

const LOCAL_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '0.0.0.0', '::1', '[::1]', '::', '[::]', '']);

/** Whether a probe's host is this machine (the unit's own listening address). */
export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host);
}

// A port number, or undefined for anything that is not one.
function validPort(n: number): number | undefined {
  return Number.isInteger(n) && n > 0 && n <= 65535 ? n : undefined;
}

/** The port in the unit's PORT, unless it only inherited procs' own (`inheritedPort`). */
export function ownPort(unit: UnitSpec, inheritedPort: string | undefined): number | undefined {
  const own = unit.env.PORT;
  return own !== undefined && own !== inheritedPort && /^\d+$/.test(own) ? validPort(Number(own)) : undefined;
}

/**
 * The ports `unit` will listen on, without duplicates. `inheritedPort` is the PORT procs itself
 * was started with: a unit that merely inherits it is not known to use it.
 */
export function unitPorts(unit: UnitSpec, inheritedPort: string | undefined): number[] {
  const ports: number[] = [];
  const add = (n: number): void => {
    const port = validPort(n);
    if (port !== undefined && !ports.includes(port)) ports.push(port);
  };
  const own = ownPort(unit, inheritedPort);
  if (own !== undefined) add(own);
  if (unit.kind !== 'pipeline') for (const a of unit.listen?.addresses ?? []) add(a.port);
  for (const probe of [unit.health.readiness, unit.health.liveness]) {
    const check = probe?.check;
    if (check?.kind === 'tcp' && isLocalHost(check.host)) add(check.port);
    if (check?.kind === 'http') {
      try {
        const url = new URL(check.url);
        if (isLocalHost(url.hostname)) add(Number(url.port || (url.protocol === 'https:' ? 443 : 80)));
      } catch {
        // not a URL procs could probe either; validate says so
      }
    }
  }
  return ports;
}
