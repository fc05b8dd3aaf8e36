// `procs export compose`: a compose.yaml with one service per process, pool and pipeline.
import path from 'node:path';
import { stringify } from 'yaml';
import type { DependencyCondition, ProbeSpec, RestartSpec, Spec } from '../config/spec.js';
import { composeHooks } from './hooks.js';
import { envFilesOf, listenNote, relativeCwd, servicesOf, type Service } from './model.js';
import { composeProjectName, durationText } from './names.js';
import { argvOf, shQuote, unitArgv } from './shell.js';
import { composeProfiles } from './profiles.js';
import { CONTAINER_ROOT, DEFAULT_IMAGE, Notes, type ExportOptions, type ExportResult } from './types.js';
import { scheduleNote } from './schedule.js';

interface Healthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period?: string;
}

interface ComposeService {
  image: string;
  entrypoint: string[];
  working_dir: string;
  env_file?: string[];
  environment: Record<string, string>;
  depends_on?: Record<string, { condition: string; restart?: true }>;
  healthcheck?: Healthcheck;
  restart: string;
  stop_signal: string;
  stop_grace_period: string;
  deploy?: { replicas: number };
  tty?: boolean;
  stdin_open?: boolean;
  post_start?: { command: string[] }[];
  pre_stop?: { command: string[] }[];
}

const CONDITIONS: Readonly<Record<DependencyCondition, string>> = {
  started: 'service_started',
  healthy: 'service_healthy',
  completed: 'service_completed_successfully',
};

/** The compose file of a spec. */
export function exportCompose(spec: Spec, options: ExportOptions = {}): ExportResult {
  const notes = new Notes();
  const services = servicesOf(spec, notes);
  const checked = new Set<string>();
  const out: Record<string, ComposeService> = {};
  for (const svc of services) {
    const health = svc.unit.health.readiness && healthcheckOf(svc.unit.health.readiness, svc.name, notes);
    if (health) checked.add(svc.name);
    out[svc.name] = serviceOf(svc, spec, options, notes, health, checked);
  }
  if (spec.watch.length > 0) notes.add('watch rules are for development and are not exported');
  const doc = escapeDollars({ name: composeProjectName(spec.project), services: out });
  const header = `# Written by \`procs export compose\` from ${spec.files.map((f) => path.basename(f)).join(', ')}; run with docker compose up.\n`;
  return { files: [{ path: 'compose.yaml', content: header + stringify(doc, { version: '1.1', lineWidth: 0 }) }], notes: notes.all(), keys: notes.keys() };
}

/** One compose service. `checked` names the services (seen so far) that have a healthcheck. */
function serviceOf(
  svc: Service,
  spec: Spec,
  options: ExportOptions,
  notes: Notes,
  health: Healthcheck | undefined,
  checked: ReadonlySet<string>,
): ComposeService {
  const { unit } = svc;
  const rel = relativeCwd(spec, unit.cwd);
  if (rel === undefined) notes.add(`${svc.name}: cwd ${unit.cwd} lies outside the spec's folder; the container starts in ${CONTAINER_ROOT}`);
  const envFiles = envFilesOf(svc, options).map((f) => (options.outputDir ? path.relative(options.outputDir, f) : f));
  const deps = Object.fromEntries(
    svc.dependsOn.map((d) => {
      const condition = d.condition === 'healthy' && !checked.has(d.name) ? 'started' : d.condition;
      return [d.name, { condition: CONDITIONS[condition], ...(d.restart ? { restart: true as const } : {}) }];
    }),
  );
  if (unit.health.liveness) notes.add(`${svc.name}: compose has no liveness probe (docker does not restart an unhealthy container); left out`);
  if (svc.kind === 'pool')
    notes.add(`${svc.name}: compose replicas have no index: WORKER_ID is not set and every replica has PORT=${svc.env.PORT ?? '(unset)'}`);
  if (unit.restart.successCodes.some((c) => c !== 0)) notes.add(`${svc.name}: only exit code 0 counts as success in compose`);
  if (unit.kind === 'pipeline') notes.add(`${svc.name}: the pipeline runs in one container through sh -c, with pipefail where the image's shell has it`);
  if (unit.kind !== 'pipeline' && unit.listen) notes.add(listenNote(svc, unit.listen, 'compose'));
  if (unit.schedule) notes.add(scheduleNote(svc.name));
  return {
    ...composeProfiles(unit, svc.name, notes),
    image: options.image ?? DEFAULT_IMAGE,
    entrypoint: unitArgv(unit),
    working_dir: path.posix.join(CONTAINER_ROOT, rel ?? ''),
    ...(envFiles.length > 0 ? { env_file: envFiles } : {}),
    environment: { ...svc.env },
    ...(Object.keys(deps).length > 0 ? { depends_on: deps } : {}),
    ...(health ? { healthcheck: health } : {}),
    restart: restartOf(unit.restart, svc.name, notes),
    stop_signal: unit.stop.signal,
    stop_grace_period: durationText(unit.stop.timeoutMs),
    ...(svc.kind === 'pool' ? { deploy: { replicas: svc.replicas } } : {}),
    // A unit on a terminal takes keystrokes through it (`docker attach`), as through `procs attach`.
    ...(unit.tty === true ? { tty: true } : {}),
    ...(unit.tty === true || unit.stdin === true ? { stdin_open: true } : {}),
    ...composeHooks(unit, svc.name, notes),
  };
}

/** compose's restart policy: always, on-failure:N, or "no". */
function restartOf(restart: RestartSpec, name: string, notes: Notes): string {
  if (restart.policy === 'never') return 'no';
  notes.add('backoff and reset_after do not map: docker restarts containers with its own back-off');
  if (restart.policy === 'always') {
    notes.add(`${name}: restart: always has no max_restarts in compose; it restarts for ever`);
    return 'always';
  }
  return `on-failure:${restart.maxRestarts}`;
}

/** A readiness probe as a healthcheck, run inside the container; undefined for a log probe. */
function healthcheckOf(probe: ProbeSpec, name: string, notes: Notes): Healthcheck | undefined {
  const check = probe.check;
  let test: string[];
  if (check.kind === 'log') {
    notes.add(`${name}: the readiness probe watches the output for /${check.display}/; compose has no such check, left out`);
    return undefined;
  } else if (check.kind === 'notify') {
    notes.add(`${name}: the readiness probe waits for READY=1 on NOTIFY_SOCKET; compose has no such check, left out`);
    return undefined;
  } else if (check.kind === 'exec') {
    const cmd = check.command;
    test = cmd.kind === 'shell' && cmd.shell === '/bin/sh' ? ['CMD-SHELL', cmd.script] : ['CMD', ...argvOf(cmd)];
  } else if (check.kind === 'http') {
    const url = shQuote(check.url);
    test = ['CMD-SHELL', `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url} || exit 1`];
    notes.add(`${name}: the http readiness check runs wget or curl inside the container: the image needs one of them`);
  } else {
    test = ['CMD-SHELL', `nc -z ${shQuote(check.host)} ${check.port} || exit 1`];
    notes.add(`${name}: the tcp readiness check runs nc inside the container: the image needs it`);
  }
  if (probe.successThreshold !== 1) notes.add(`${name}: compose healthchecks have no success_threshold; one success counts`);
  return {
    test,
    interval: durationText(probe.intervalMs),
    timeout: durationText(probe.timeoutMs),
    retries: probe.failureThreshold,
    ...(probe.initialDelayMs > 0 ? { start_period: durationText(probe.initialDelayMs) } : {}),
  };
}

/** Doubles every `$` in string values: compose would interpolate them, the spec already did. */
function escapeDollars<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeDollars(v)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v as unknown)])) as T;
  return value;
}
