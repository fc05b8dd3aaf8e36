// Pools in compose: one service with deploy.replicas when the instances are alike, or one service
// per instance (NAME-0, NAME-1…) when they depend on their index: their own WORKER_ID,
// PROCS_INSTANCE and PORT, which compose replicas cannot be given.
import type { UnitSpec } from '../config/spec.js';
import type { Service } from './model.js';

/** Variables procs sets per instance; instances that differ only in these are alike. */
const INSTANCE_VARS = new Set(['WORKER_ID', 'PROCS_INSTANCE', 'PROCS_UNIT', 'PORT']);

/** One compose service to write: a spec service, or one instance of a pool. */
export interface ComposeUnit {
  /** The compose service name. */
  readonly name: string;
  readonly svc: Service;
  /** The unit it runs: the process, pipeline, the instance, or a replicated pool's instance 0. */
  readonly unit: UnitSpec;
  /** The environment it is given. */
  readonly env: Readonly<Record<string, string>>;
  /** Replicas of a pool kept as one service (deploy.replicas); undefined otherwise. */
  readonly replicas?: number;
}

/**
 * Whether a pool's instances need their index: the pool has `port:` (each instance its own PORT),
 * or two instances differ beyond the variables procs sets (the spec interpolates `${WORKER_ID}`,
 * `${PORT}` or `${PROCS_INSTANCE}` into the command, env or cwd).
 */
export function usesIndex(svc: Service): boolean {
  if (svc.kind !== 'pool') return false;
  if (svc.basePort !== undefined) return true;
  const shapes = new Set(svc.instances.map(shape));
  return shapes.size > 1;
}

/** An instance's definition without its name, index and the variables procs sets per instance. */
function shape(unit: UnitSpec): string {
  const { name: _name, hash: _hash, source: _source, env, ...rest } = unit;
  const index = 'index' in rest ? { ...rest, index: 0 } : rest;
  const vars = Object.entries(env).filter(([k]) => !INSTANCE_VARS.has(k));
  return JSON.stringify({ ...index, env: vars });
}

/**
 * The compose services of the spec's services, and the compose names each spec name (a pool's
 * name included) stands for. Instance names that a spec name already has get `-2`, `-3`…
 */
export function composeUnits(services: readonly Service[]): { units: ComposeUnit[]; namesOf: ReadonlyMap<string, readonly string[]> } {
  const taken = new Set(services.map((s) => s.name));
  const units: ComposeUnit[] = [];
  const namesOf = new Map<string, string[]>();
  for (const svc of services) {
    if (svc.kind === 'pool' && usesIndex(svc)) {
      const names: string[] = [];
      for (const unit of svc.instances) {
        const index = unit.kind === 'instance' ? (unit.index ?? names.length) : names.length;
        let name = `${svc.name}-${index}`;
        for (let n = 2; taken.has(name); n++) name = `${svc.name}-${index}-${n}`;
        taken.add(name);
        names.push(name);
        units.push({ name, svc, unit, env: unit.env });
      }
      namesOf.set(svc.name, names);
      continue;
    }
    namesOf.set(svc.name, [svc.name]);
    if (svc.kind !== 'pool') units.push({ name: svc.name, svc, unit: svc.unit, env: svc.env });
    // One replica: its index is 0, so it keeps WORKER_ID and PROCS_INSTANCE as procs sets them.
    else if (svc.replicas === 1) units.push({ name: svc.name, svc, unit: svc.unit, env: svc.unit.env });
    else units.push({ name: svc.name, svc, unit: svc.unit, env: svc.env, replicas: svc.replicas });
  }
  return { units, namesOf };
}
