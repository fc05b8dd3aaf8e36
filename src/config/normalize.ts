// From the validated raw document to the Spec the runtime consumes: pools expanded into instances,
// environments resolved and interpolated, defaults filled in, units in dependency order, hashed.
import path from 'node:path';
import { checkFormation, formationCount, KIND_WORDS, SECTIONS, type Section } from './checks.js';
import { interp, lookupIn, resolveCwd, toCommand, type Context } from './context.js';
import { literalLayer, type EnvLayer } from './env.js';
import { topoOrder } from './graph.js';
import { unitHash } from './hash.js';
import type { Pipeline, Pool, Process, ProcsSpec, WatchRule as RawWatchRule } from './spec-types.generated.js';
import type { ListenSpec, PoolSpec, ProcessUnit, SourcePos, Spec, UnitBase, UnitSpec, WatchRule } from './spec.js';
import { describePath, keyPos, locate, valuePos, type PathSeg } from './tree.js';
import { listenPort, listenSpec } from './listen.js';
import { hooksSpec } from './hooks.js';
import { checkPortDependencies, knownPorts } from './port-refs.js';
import { checkScheduledDependencies, scheduledRestart, scheduleSpec } from './schedule.js';
import { envFileLayer, globalLayers, specLayer, unitEnv } from './unit-env.js';
import { dependencies, DEFAULTS, healthSpec, logSpec, ms, restartSpec, stopSpec } from './unit-parts.js';

interface Shared {
  readonly ctx: Context;
  readonly project: string;
  readonly shell: string;
  readonly base: readonly EnvLayer[];
}

type Built = Omit<UnitBase, 'hash'>;

/** Normalizes the document (parts that failed the schema have been removed from it). */
export function normalize(ctx: Context, doc: ProcsSpec, files: readonly string[]): Spec {
  const s: Shared = { ctx, project: doc.name ?? path.basename(ctx.root), shell: doc.shell ?? DEFAULTS.shell, base: globalLayers(ctx, doc) };
  const units = new Map<string, UnitSpec[]>();
  const deps = new Map<string, string[]>();
  const pools: PoolSpec[] = [];
  const watch: WatchRule[] = [];
  const kinds = new Map<string, string>();
  knownPorts(ctx, doc);
  const add = (name: string, raw: Process | Pool | Pipeline, built: UnitSpec[], where: readonly PathSeg[]): void => {
    checkPortDependencies(ctx, name, raw, where);
    deps.set(
      name,
      dependencies(raw.depends_on).map((d) => d.name),
    );
    units.set(name, built);
  };
  for (const { section, name } of declaredInOrder(ctx, files)) {
    kinds.set(name, KIND_WORDS[section]);
    const where: PathSeg[] = [section, name];
    const source = keyPos(ctx.tree, where);
    const rule = section === 'watch' ? own(doc.watch, name) : undefined;
    if (rule) watch.push(watchRule(s, name, rule, where, source));
    const pipeline = section === 'pipelines' ? own(doc.pipelines, name) : undefined;
    if (pipeline) add(name, pipeline, [pipelineUnit(s, name, pipeline, where, source)], where);
    const proc = section === 'processes' ? own(doc.processes, name) : undefined;
    if (proc) {
      const port = proc.port ?? listenPort(proc.listen);
      add(name, proc, [processUnit(s, name, proc, where, source, port === undefined ? {} : { PORT: ctx.ports.get(name) ?? String(port) })], where);
    }
    const pool = section === 'pools' ? own(doc.pools, name) : undefined;
    if (pool) {
      const replicas = formationCount(ctx.formation, name) ?? pool.replicas ?? DEFAULTS.replicas;
      pools.push({ name, replicas, ...(pool.port !== undefined ? { basePort: pool.port } : {}), source });
      add(name, pool, poolInstances(s, name, pool, replicas, where, source), where);
    }
    const shorthand = proc ?? pool;
    if (shorthand?.watch) {
      const at = [...where, 'watch'];
      const cwd = { raw: shorthand.cwd, where: [...where, 'cwd'] };
      watch.push(watchRule(s, `${name}.watch`, { paths: shorthand.watch, restart: [name] }, at, keyPos(ctx.tree, at), cwd));
    }
  }
  if (ctx.formation) {
    const poolNames = [...kinds].filter(([, k]) => k === KIND_WORDS.pools).map(([n]) => n);
    checkFormation(ctx.formation, poolNames, new Map([...kinds].filter(([, k]) => k !== KIND_WORDS.pools)), ctx.diags);
  }
  checkScheduledDependencies(ctx, [...units.values()].flat());
  const order = topoOrder([...units.keys()], (n) => deps.get(n) ?? []);
  const env = { ...unitEnv(ctx, s.base), PROCS_PROJECT: s.project };
  return { project: s.project, root: ctx.root, files: [...files], env, units: order.flatMap((n) => units.get(n) ?? []), pools, watch };
}

/** A map's own entry (a unit named like an Object.prototype member must not find the prototype's). */
function own<T>(map: Readonly<Record<string, T | undefined>> | undefined, name: string): T | undefined {
  return map && Object.hasOwn(map, name) ? map[name] : undefined;
}

/** Units and watch rules in the order they are written (files in merge order, then lines). */
function declaredInOrder(ctx: Context, files: readonly string[]): { section: Section; name: string }[] {
  const out: { section: Section; name: string; pos: SourcePos }[] = [];
  for (const section of SECTIONS) {
    const node = locate(ctx.tree, [section]).node;
    if (node?.kind === 'map') for (const [name, e] of node.entries) out.push({ section, name, pos: e.keyPos });
  }
  const rank = (p: SourcePos): number => files.indexOf(p.file);
  return out.sort((a, b) => rank(a.pos) - rank(b.pos) || a.pos.line - b.pos.line || a.pos.col - b.pos.col);
}

/** What processes, instances and pipelines share: env, cwd, dependencies, policies, probes. */
function unitBase(
  s: Shared,
  name: string,
  kind: UnitBase['kind'],
  raw: Process | Pool | Pipeline,
  where: PathSeg[],
  vars: Record<string, string>,
  source: SourcePos,
): Built {
  const { ctx } = s;
  const layers = [
    ...s.base,
    envFileLayer(ctx, raw.env_file, [...where, 'env_file']),
    specLayer(ctx, raw.env, [...where, 'env']),
    literalLayer({ PROCS_UNIT: name, PROCS_PROJECT: s.project, ...vars }),
  ];
  const env = unitEnv(ctx, layers);
  const lookup = lookupIn(env, ctx.ports);
  const schedule = 'schedule' in raw ? scheduleSpec(ctx, (raw as Process | Pipeline).schedule, raw.restart, where, raw) : undefined;
  return {
    name,
    kind,
    cwd: resolveCwd(ctx, [...where, 'cwd'], raw.cwd, lookup),
    env,
    dependsOn: dependencies(raw.depends_on),
    restart: restartSpec(scheduledRestart(raw)),
    stop: stopSpec(raw.stop),
    health: healthSpec(ctx, raw.health, [...where, 'health'], lookup, s.shell),
    log: logSpec(raw.log),
    // Only when set, so that the hashes of units without them stay what they were.
    ...(raw.tty === true ? { tty: true as const } : {}),
    ...(raw.stdin === true ? { stdin: true as const } : {}),
    ...(raw.color === false ? { noColor: true as const } : {}),
    ...(raw.profiles !== undefined ? { profiles: raw.profiles } : {}),
    ...(raw.enabled === false ? { enabled: false as const } : {}),
    ...(schedule ? { schedule } : {}),
    ...('watchdog' in raw && raw.watchdog !== undefined ? { watchdogMs: watchdogMs(ctx, raw.watchdog, [...where, 'watchdog']) } : {}),
    ...withHooks(hooksSpec(ctx, raw.hooks, [...where, 'hooks'], lookup, s.shell)),
    source,
  };
}

/** `hooks` only when set. */
function withHooks(hooks: UnitBase['hooks']): Pick<UnitBase, 'hooks'> {
  return hooks === undefined ? {} : { hooks };
}

/** A `watchdog` in milliseconds; zero is refused (the unit would be restarted at once, for ever). */
function watchdogMs(ctx: Context, raw: string | number, where: PathSeg[]): number {
  const value = ms(raw, 0);
  if (value <= 0) ctx.diags.error(valuePos(ctx.tree, where), `${describePath(where)} must be longer than 0 (how often the unit must send WATCHDOG=1)`);
  return value;
}

/**
 * Adds the hash, computed over everything but the source position, when first read: only the
 * reconciler compares hashes, and a command that only reads the spec (`validate`, `ps`) would
 * spend a few ms of every start on them (a unit's env holds the whole process env).
 */
function hashed<T extends Built>(unit: T): T & { hash: string } {
  let hash: string | undefined;
  const get = (): string => (hash ??= unitHash(unit));
  return Object.defineProperty({ ...unit }, 'hash', { enumerable: true, get }) as T & { hash: string };
}

/** A process: one unit. */
function processUnit(
  s: Shared,
  name: string,
  raw: Process | Pool,
  where: PathSeg[],
  source: SourcePos,
  vars: Record<string, string>,
  pool?: { name: string; index: number; listen: ListenSpec | undefined },
): ProcessUnit {
  const base = unitBase(s, name, pool ? 'instance' : 'process', raw, where, vars, source);
  // `extends` is resolved before validation, so a unit has its command here.
  const command = toCommand(s.ctx, [...where, 'command'], raw.command ?? '', lookupIn(base.env, s.ctx.ports), s.shell);
  // Only when set, so that the hashes of units without them stay what they were.
  const port = pool === undefined && raw.port !== undefined ? { port: raw.port } : {};
  // A pool's sockets are read once, for all its instances.
  const sockets = pool === undefined ? unitListen(s.ctx, name, raw, where) : pool.listen;
  const listen = sockets === undefined ? {} : { listen: sockets };
  return hashed({ ...base, kind: pool ? 'instance' : 'process', command, ...port, ...listen, ...(pool ? { pool: pool.name, index: pool.index } : {}) });
}

/** A process's or pool's `listen:`, which leaves no room for `port:`. */
function unitListen(ctx: Context, owner: string, raw: Process | Pool, where: PathSeg[]): ListenSpec | undefined {
  if (raw.listen === undefined) return undefined;
  if (raw.port !== undefined) {
    ctx.diags.error(
      keyPos(ctx.tree, [...where, 'port']),
      `${describePath([...where, 'port'])}: a unit with \`listen\` gets its PORT from there; remove \`port\``,
    );
  }
  return listenSpec(ctx, owner, raw.listen, [...where, 'listen']);
}

/** A pool's instances NAME.0 … NAME.(replicas-1), each with WORKER_ID, PROCS_INSTANCE and PORT. */
function poolInstances(s: Shared, name: string, raw: Pool, replicas: number, where: PathSeg[], source: SourcePos): ProcessUnit[] {
  if (raw.port !== undefined && raw.port + replicas - 1 > 65535) {
    s.ctx.diags.error(
      valuePos(s.ctx.tree, [...where, 'port']),
      `${describePath([...where, 'port'])}: ${replicas} instances from port ${raw.port} go past port 65535`,
    );
  }
  const listen = unitListen(s.ctx, name, raw, where);
  return Array.from({ length: replicas }, (_, i) => {
    const vars: Record<string, string> = { WORKER_ID: String(i), PROCS_INSTANCE: String(i) };
    if (raw.port !== undefined) vars.PORT = String(raw.port + i);
    // Every instance shares the pool's sockets, so they all have its port.
    const shared = raw.port === undefined ? listenPort(raw.listen) : undefined;
    if (shared !== undefined) vars.PORT = String(shared);
    return processUnit(s, `${name}.${i}`, raw, where, source, vars, { name, index: i, listen });
  });
}

/** A pipeline: its steps, each a command, in one unit. */
function pipelineUnit(s: Shared, name: string, raw: Pipeline, where: PathSeg[], source: SourcePos): UnitSpec {
  const base = unitBase(s, name, 'pipeline', raw, where, {}, source);
  const lookup = lookupIn(base.env, s.ctx.ports);
  const steps = (raw.steps ?? []).map((step, i) => toCommand(s.ctx, [...where, 'steps', i], step, lookup, s.shell));
  return hashed({ ...base, kind: 'pipeline', steps });
}

/** A watch rule (or a unit's `watch:` shorthand), with the environment its `run` sees. */
function watchRule(
  s: Shared,
  name: string,
  raw: RawWatchRule,
  where: PathSeg[],
  source: SourcePos,
  cwd: { raw: string | undefined; where: PathSeg[] } = { raw: raw.cwd, where: [...where, 'cwd'] },
): WatchRule {
  const { ctx } = s;
  const env = unitEnv(ctx, [...s.base, specLayer(ctx, raw.env, [...where, 'env']), literalLayer({ PROCS_UNIT: name, PROCS_PROJECT: s.project })]);
  const lookup = lookupIn(env, ctx.ports);
  const ruleCwd = resolveCwd(ctx, cwd.where, cwd.raw, lookup);
  const sync = raw.sync === undefined ? undefined : path.resolve(ruleCwd, interp(ctx, [...where, 'sync'], raw.sync, lookup));
  const run = raw.run === undefined ? undefined : toCommand(ctx, [...where, 'run'], raw.run, lookup, s.shell);
  return {
    name,
    paths: raw.paths,
    ignore: raw.ignore ?? [],
    debounceMs: ms(raw.debounce, DEFAULTS.debounceMs),
    ...(sync !== undefined ? { sync } : {}),
    ...(run ? { run } : {}),
    restart: raw.restart ?? [],
    rolling: raw.rolling ?? false,
    initial: raw.initial ?? false,
    poll: raw.poll ?? false,
    cwd: ruleCwd,
    env,
    source,
  };
}
