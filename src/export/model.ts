// The spec seen as deployable services, the shape every engine starts from: one per process, one
// per pipeline, and one per pool (not per instance), in dependency order.
import path from 'node:path';
import type { Dependency, ListenSpec, Spec, UnitSpec } from '../config/spec.js';
import type { ExportOptions, Notes } from './types.js';

/** Variables procs sets per pool instance: one service for the whole pool has no single value. */
const INSTANCE_VARS = ['WORKER_ID', 'PROCS_INSTANCE'];

export interface Service {
  /** The process, pipeline or pool name as written. */
  readonly name: string;
  readonly kind: 'process' | 'pool' | 'pipeline';
  /** The unit itself, or a pool's first instance (standing for every replica). */
  readonly unit: UnitSpec;
  /** A pool's instances (the unit alone otherwise). */
  readonly instances: readonly UnitSpec[];
  readonly replicas: number;
  /** A pool's `port:`: each instance's PORT counts up from it. */
  readonly basePort?: number;
  /** `restart: never`: runs once, to completion. */
  readonly oneShot: boolean;
  /** The environment one replica sees: the unit's, less per-instance variables, PROCS_UNIT the pool's name. */
  readonly env: Readonly<Record<string, string>>;
  readonly dependsOn: readonly Dependency[];
}

/**
 * The services of a spec, in the spec's dependency order. `replicated`: the engine runs a pool as
 * identical replicas (not one unit per instance), so what differs between instances is noted.
 */
export function servicesOf(spec: Spec, notes: Notes, replicated = true): Service[] {
  const out: Service[] = [];
  const done = new Set<string>();
  for (const unit of spec.units) {
    const pool = unit.kind === 'instance' ? unit.pool : undefined;
    if (pool === undefined) {
      out.push(single(unit));
      continue;
    }
    if (done.has(pool)) continue;
    done.add(pool);
    const instances = spec.units.filter((u) => u.kind === 'instance' && u.pool === pool);
    const declared = spec.pools.find((p) => p.name === pool);
    out.push(poolService(pool, instances, declared?.basePort, replicated ? notes : undefined));
  }
  for (const p of spec.pools) if (!done.has(p.name)) notes.add(`${p.name}: a pool of 0 replicas has no command to export; left out`);
  const known = new Set(out.map((s) => s.name));
  return out.map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => known.has(d.name)) }));
}

/** A process or a pipeline: one service. */
function single(unit: UnitSpec): Service {
  return {
    name: unit.name,
    kind: unit.kind === 'pipeline' ? 'pipeline' : 'process',
    unit,
    instances: [unit],
    replicas: 1,
    oneShot: unit.restart.policy === 'never',
    env: unit.env,
    dependsOn: unit.dependsOn,
  };
}

/** A pool: one service standing for every instance, from instance 0. */
function poolService(name: string, instances: readonly UnitSpec[], basePort: number | undefined, notes: Notes | undefined): Service {
  const first = instances[0]!;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(first.env)) if (!INSTANCE_VARS.includes(k)) env[k] = v;
  env.PROCS_UNIT = name;
  const second = instances[1];
  if (notes && second && sameAcross(first, basePort) !== sameAcross(second, basePort)) {
    notes.add(`${name}: the pool's instances differ beyond WORKER_ID and PORT (the spec interpolates them); every replica gets instance 0's definition`);
  }
  return {
    name,
    kind: 'pool',
    unit: first,
    instances,
    replicas: instances.length,
    ...(basePort !== undefined ? { basePort } : {}),
    oneShot: first.restart.policy === 'never',
    env,
    dependsOn: first.dependsOn,
  };
}

/** An instance's definition with its own index and port taken out, to compare instances. */
function sameAcross(unit: UnitSpec, basePort: number | undefined): string {
  const { name: _name, hash: _hash, source: _source, env, ...rest } = unit;
  const vars = Object.entries(env).filter(([k]) => !INSTANCE_VARS.includes(k) && k !== 'PROCS_UNIT' && k !== 'PORT');
  const text = JSON.stringify({ ...rest, index: 0, env: vars });
  const index = unit.kind === 'instance' ? unit.index : undefined;
  return index !== undefined && basePort !== undefined ? text.replaceAll(String(basePort + index), '${PORT}') : text;
}

/** The path of a cwd relative to the spec's folder ('' for the folder), or undefined outside it. */
export function relativeCwd(spec: Spec, cwd: string): string | undefined {
  const rel = path.relative(spec.root, cwd);
  return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel;
}

/** The env files a service reads, lowest precedence first (a pool's are its first instance's). */
export function envFilesOf(svc: Service | undefined, options: ExportOptions): readonly string[] {
  return svc ? (options.envFiles?.[svc.unit.name] ?? []) : [];
}

/**
 * The note on `listen:` in a container engine: the unit's PORT (and in Kubernetes containerPorts),
 * nothing more. Nothing holds the sockets: the process binds them itself, and a restart closes them.
 */
export function listenNote(svc: Service, listen: ListenSpec, engine: 'compose' | 'Kubernetes'): string {
  const ports = [...new Set(listen.addresses.map((a) => a.port))].join(', ');
  const port = `PORT=${svc.env.PORT ?? '(unset)'}`;
  const mapped = engine === 'Kubernetes' ? `${port} and containerPort ${ports}` : port;
  const adopt = listen.adopt === 'node' ? '; adopt: node is dropped' : '';
  return `${svc.name}: listen: is only ${mapped} in ${engine}: the process binds its ports itself and no socket is held across restarts${adopt}`;
}
