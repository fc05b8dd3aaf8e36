// `procs export compose`: a compose.yaml with one service per process and pipeline, and per pool
// one service with deploy.replicas, or one per instance when the instances need their index.
import path from 'node:path';
import { stringify } from 'yaml';
import type { DependencyCondition, Spec } from '../config/spec.js';
import { codeKeys, dockerFiles, runHint, type CodeKeys } from './compose-code.js';
import { composeUnits, type ComposeUnit } from './compose-instances.js';
import { composeKeyFates, keptKeys } from './compose-keys.js';
import { healthcheckOf, loggingOf, restartOf, type Healthcheck, type Logging, type RestartPolicy } from './compose-policy.js';
import { composeWatch, type WatchEntry } from './compose-watch.js';
import { composeHooks } from './hooks.js';
import { envFilesOf, listenNote, relativeCwd, servicesOf } from './model.js';
import { composeProjectName, durationText } from './names.js';
import { composeProfiles } from './profiles.js';
import { scheduleNote } from './schedule.js';
import { unitArgv } from './shell.js';
import { CONTAINER_ROOT, Notes, type ExportOptions, type ExportResult } from './types.js';

interface ComposeService extends CodeKeys {
  profiles?: string[];
  entrypoint: string[];
  working_dir: string;
  env_file?: string[];
  environment: Record<string, string>;
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string; restart?: true }>;
  healthcheck?: Healthcheck;
  restart: string;
  stop_signal: string;
  stop_grace_period: string;
  deploy: { replicas?: number; restart_policy: RestartPolicy };
  logging: Logging;
  tty?: boolean;
  stdin_open?: boolean;
  develop?: { watch: WatchEntry[] };
  post_start?: { command: string[] }[];
  pre_stop?: { command: string[] }[];
}

const CONDITIONS: Readonly<Record<DependencyCondition, string>> = {
  started: 'service_started',
  healthy: 'service_healthy',
  completed: 'service_completed_successfully',
};

/** What every service of one export shares. */
interface Context {
  readonly spec: Spec;
  readonly options: ExportOptions;
  readonly outputDir: string;
  readonly notes: Notes;
  readonly code: CodeKeys;
  /** The compose services a spec name stands for (a pool: its instances when they are written one by one). */
  readonly namesOf: ReadonlyMap<string, readonly string[]>;
  /** The compose services that have a healthcheck. */
  readonly checked: ReadonlySet<string>;
  readonly watch: ReadonlyMap<string, WatchEntry[]>;
}

/** The compose file of a spec (and with `--dockerfile`, the Dockerfile it builds from). */
export function exportCompose(spec: Spec, options: ExportOptions = {}): ExportResult {
  const notes = new Notes();
  const services = servicesOf(spec, notes, false);
  const { units, namesOf } = composeUnits(services);
  const outputDir = options.outputDir ?? spec.root;
  const health = new Map<string, Healthcheck>();
  for (const u of units) {
    const probe = u.unit.health.readiness;
    const check = probe && healthcheckOf(probe, u.svc.name, notes);
    if (check) health.set(u.name, check);
  }
  const watch = composeWatch(spec, namesOf, outputDir, options, notes);
  const ctx: Context = { spec, options, outputDir, notes, code: codeKeys(spec.root, outputDir, options), namesOf, checked: new Set(health.keys()), watch };
  const out: Record<string, ComposeService> = {};
  for (const u of units) out[u.name] = serviceOf(u, ctx, health.get(u.name));
  for (const svc of services) composeKeyFates(svc, spec, notes);
  const doc = escapeDollars({ name: composeProjectName(spec.project), services: out });
  const header = `# Written by \`procs export compose\` from ${spec.files.map((f) => path.basename(f)).join(', ')}; ${runHint(options)}.\n`;
  return {
    files: [{ path: 'compose.yaml', content: header + stringify(doc, { version: '1.1', lineWidth: 0, singleQuote: true }) }, ...dockerFiles(options)],
    notes: notes.all(),
    keys: keptKeys(notes.keys(), services, spec, options),
  };
}

/** The `depends_on:` of a service: a pool dependency names each of its services. */
function dependsOnOf(u: ComposeUnit, ctx: Context): ComposeService['depends_on'] {
  const deps: NonNullable<ComposeService['depends_on']> = {};
  for (const d of u.svc.dependsOn) {
    const targets = ctx.namesOf.get(d.name) ?? [d.name];
    const unchecked = d.condition === 'healthy' && targets.some((t) => !ctx.checked.has(t));
    const condition = unchecked ? 'started' : d.condition;
    const key = `depends_on.${d.name}`;
    if (unchecked) ctx.notes.key(u.svc.name, key, 'approximated', `service_started: ${d.name} has no healthcheck in compose`);
    else
      ctx.notes.key(
        u.svc.name,
        key,
        'mapped',
        `${CONDITIONS[condition]}${targets.length > 1 ? ` on ${targets.join(', ')}` : ''}${d.restart ? ', restart' : ''}`,
      );
    for (const t of targets) deps[t] = { condition: CONDITIONS[condition], ...(d.restart ? { restart: true as const } : {}) };
  }
  return Object.keys(deps).length > 0 ? deps : undefined;
}

/** The host ports published for a service (`port:` and `listen:` addresses), or only exposed for replicas sharing one port. */
function portsOf(u: ComposeUnit, notes: Notes): Pick<ComposeService, 'ports' | 'expose'> {
  const unit = u.unit;
  if (unit.kind === 'pipeline') return {};
  const published = new Set<string>();
  const port = u.env.PORT;
  if ((unit.port !== undefined || u.svc.basePort !== undefined) && port !== undefined) published.add(`${port}:${port}`);
  for (const a of unit.listen?.addresses ?? [])
    published.add(a.host === '' ? `${a.port}:${a.port}` : `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}:${a.port}`);
  if (published.size === 0) return {};
  if (u.replicas !== undefined) {
    notes.add(`${u.svc.name}: its replicas share port ${port ?? '?'}, which one host port cannot publish: exposed to the other services only`);
    return { expose: [...published].map((p) => p.split(':').at(-1) ?? p) };
  }
  return { ports: [...published] };
}

/** One compose service. */
function serviceOf(u: ComposeUnit, ctx: Context, health: Healthcheck | undefined): ComposeService {
  const { unit, svc } = u;
  const { spec, options, notes } = ctx;
  const rel = relativeCwd(spec, unit.cwd);
  if (rel === undefined) notes.add(`${svc.name}: cwd ${unit.cwd} lies outside the spec's folder; the container starts in ${CONTAINER_ROOT}`);
  const envFiles = envFilesOf(svc, options).map((f) => path.relative(ctx.outputDir, f).split(path.sep).join('/'));
  if (unit.health.liveness) notes.add(`${svc.name}: compose has no liveness probe (docker does not restart an unhealthy container); left out`);
  if (u.replicas !== undefined)
    notes.add(
      `${svc.name}: compose replicas have no index: its instances are alike, so WORKER_ID and PROCS_INSTANCE are not set (deploy.replicas: ${u.replicas})`,
    );
  if (unit.restart.successCodes.some((c) => c !== 0)) notes.add(`${svc.name}: only exit code 0 counts as success in compose`);
  if (unit.kind === 'pipeline') notes.add(`${svc.name}: the pipeline runs in one container through sh -c, with pipefail where the image's shell has it`);
  if (unit.kind !== 'pipeline' && unit.listen) notes.add(listenNote(svc, unit.listen, 'compose'));
  if (unit.schedule) notes.add(scheduleNote(svc.name));
  const restart = restartOf(unit.restart, svc.name, notes);
  const deps = dependsOnOf(u, ctx);
  const watch = ctx.watch.get(u.name);
  return {
    ...composeProfiles(unit, svc.name, notes),
    ...ctx.code,
    entrypoint: unitArgv(unit),
    working_dir: path.posix.join(CONTAINER_ROOT, (rel ?? '').split(path.sep).join('/')),
    ...(envFiles.length > 0 ? { env_file: envFiles } : {}),
    environment: { ...u.env },
    ...portsOf(u, notes),
    ...(deps ? { depends_on: deps } : {}),
    ...(health ? { healthcheck: health } : {}),
    restart: restart.restart,
    stop_signal: unit.stop.signal,
    stop_grace_period: durationText(unit.stop.timeoutMs),
    deploy: { ...(u.replicas !== undefined ? { replicas: u.replicas } : {}), restart_policy: restart.policy },
    logging: loggingOf(unit.log, svc.name, notes),
    // A unit on a terminal takes keystrokes through it (`docker attach`), as through `procs attach`.
    ...(unit.tty === true ? { tty: true } : {}),
    ...(unit.tty === true || unit.stdin === true ? { stdin_open: true } : {}),
    ...(watch ? { develop: { watch } } : {}),
    ...composeHooks(unit, svc.name, notes),
  };
}

/** Doubles every `$` in string values: compose would interpolate them, the spec already did. */
function escapeDollars<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeDollars(v)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v as unknown)])) as T;
  return value;
}
