// The resolved Spec written back in the spec's own shape (what `procs config` prints): every unit
// with its defaults filled in, pools folded back from their instances, commands interpolated. The
// result is itself a valid spec. Values are `<set>` unless asked for: env values, whatever a
// command or probe took from a variable, and the credentials of a probe URL.
import path from 'node:path';
import { interpolate } from './interpolate.js';
import { addressText } from './listen.js';
import { SET, withoutCredentials } from './redact.js';
import {
  HOOK_NAMES,
  type Command,
  type HealthSpec,
  type HooksSpec,
  type ListenSpec,
  type ProbeSpec,
  type ScheduleSpec,
  type Spec,
  type UnitSpec,
  type WatchRule,
} from './spec.js';

export interface PlainOptions {
  /** The environment procs inherited: what a unit's env only passes on is left out. */
  readonly inherited: Readonly<Record<string, string | undefined>>;
  /** Print values instead of `<set>`. */
  readonly showValues: boolean;
}

type Plain = Record<string, unknown>;

/** How a unit's texts are written: with its env's values or `<set>`; `keep` stays `${NAME}` (a pool's own variables). */
interface Shown {
  readonly show: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly keep: readonly string[];
}

/** Variables procs sets itself for every unit, and for each pool instance. */
const OWN_VARS = new Set(['PROCS_PROJECT', 'PROCS_UNIT']);
const INSTANCE_VARS = ['WORKER_ID', 'PROCS_INSTANCE'];

/** The spec as a plain object in the spec's key names, ready for YAML or JSON. */
export function toPlainSpec(spec: Spec, opts: PlainOptions): Plain {
  const inherited = Object.keys(opts.inherited).filter((k) => opts.inherited[k] !== undefined);
  const out: Plain = { version: 1, name: spec.project };
  // Inherited variables missing from the project's env were held back by `inherit_env`.
  if (inherited.some((k) => !Object.hasOwn(spec.env, k))) {
    const kept = inherited.filter((k) => Object.hasOwn(spec.env, k)).sort();
    out.inherit_env = kept.length > 0 ? kept : false;
  }
  const commands = [...spec.units.flatMap(commandsOf), ...spec.watch.flatMap((w) => (w.run ? [w.run] : []))];
  const shells = new Set(commands.flatMap((c) => (c.kind === 'shell' ? [c.shell] : [])));
  if (shells.size === 1) out.shell = [...shells][0];
  const projectEnv = envBeyond(spec.env, opts.inherited);
  if (Object.keys(projectEnv).length > 0) out.env = values(projectEnv, opts.showValues);
  const watched = new Map(spec.watch.flatMap((w) => (w.name.endsWith('.watch') ? [[w.name.slice(0, -'.watch'.length), w] as const] : [])));
  const processes: Plain = {};
  const pools: Plain = {};
  const pipelines: Plain = {};
  const unit = (u: UnitSpec, skip: readonly string[]): Plain => {
    const base = unitFields(spec, u, envBeyond(u.env, { ...opts.inherited, ...spec.env }, skip), { show: opts.showValues, env: u.env, keep: skip });
    const name = u.kind === 'pipeline' ? undefined : (u.pool ?? u.name);
    const own = name === undefined ? undefined : watched.get(name);
    return own?.restart.length === 1 && own.restart[0] === name ? { ...base, watch: [...own.paths] } : base;
  };
  for (const u of spec.units) {
    const shown: Shown = { show: opts.showValues, env: u.env, keep: [] };
    if (u.kind === 'pipeline') pipelines[u.name] = { steps: u.steps.map((c) => command(c, shown)), ...unit(u, []) };
    else if (u.kind === 'process') {
      // With `port:`, PORT is the port's: shown once, as written.
      const port = u.port === undefined ? {} : { port: u.port };
      const own = u.port === undefined && u.listen === undefined ? [] : ['PORT'];
      processes[u.name] = { command: command(u.command, shown), ...port, ...listen(u.listen), ...unit(u, own) };
    } else if (u.pool !== undefined && u.index === 0) {
      const pool = spec.pools.find((p) => p.name === u.pool);
      const skip = [...INSTANCE_VARS, ...(pool?.basePort !== undefined || u.listen !== undefined ? ['PORT'] : [])];
      pools[u.pool] = {
        // Written with `${PORT}`, `${WORKER_ID}`…: each instance has its own.
        command: command(u.command, { ...shown, keep: skip }),
        replicas: pool?.replicas ?? 1,
        ...(pool?.basePort !== undefined ? { port: pool.basePort } : {}),
        ...listen(u.listen),
        ...unit(u, skip),
      };
    }
  }
  if (Object.keys(processes).length > 0) out.processes = processes;
  if (Object.keys(pools).length > 0) out.pools = pools;
  if (Object.keys(pipelines).length > 0) out.pipelines = pipelines;
  const rules = spec.watch.filter((w) => !(w.name.endsWith('.watch') && isShorthand(out, w)));
  if (rules.length > 0) out.watch = Object.fromEntries(rules.map((w) => [w.name, watchRule(spec, w, opts)]));
  return out;
}

/** `listen:` in its full form (its PORT is the first address's). */
function listen(spec: ListenSpec | undefined): Plain {
  if (spec === undefined) return {};
  const address = spec.addresses.map((a) => (a.host === '' ? a.port : addressText(a)));
  return { listen: { address, adopt: spec.adopt, backlog: spec.backlog } };
}

/** True when a unit printed above carries this rule as its `watch:` shorthand. */
function isShorthand(out: Plain, w: WatchRule): boolean {
  const name = w.name.slice(0, -'.watch'.length);
  for (const section of ['processes', 'pools']) {
    const units = out[section] as Record<string, Plain> | undefined;
    if (units && Object.hasOwn(units, name) && units[name]?.watch !== undefined) return true;
  }
  return false;
}

/** Every command of a unit: its own (or its steps) and its exec probes'. */
function commandsOf(u: UnitSpec): readonly Command[] {
  const probes = [u.health.readiness, u.health.liveness].flatMap((p) => (p?.check.kind === 'exec' ? [p.check.command] : []));
  const hooks = HOOK_NAMES.flatMap((n) => u.hooks?.[n]?.command ?? []);
  return [...(u.kind === 'pipeline' ? u.steps : [u.command]), ...probes, ...hooks];
}

/** The fields every unit has, defaults included. */
function unitFields(spec: Spec, u: UnitSpec, env: Record<string, string>, shown: Shown): Plain {
  const r = u.restart;
  return {
    ...(u.profiles === undefined ? {} : { profiles: [...u.profiles] }),
    ...(u.enabled === false ? { enabled: false } : {}),
    ...(u.schedule ? { schedule: plainSchedule(u.schedule) } : {}),
    cwd: relativeDir(spec.root, u.cwd),
    ...(Object.keys(env).length > 0 ? { env: values(env, shown.show) } : {}),
    ...(u.dependsOn.length > 0
      ? { depends_on: Object.fromEntries(u.dependsOn.map((d) => [d.name, d.restart ? { condition: d.condition, restart: true } : d.condition])) }
      : {}),
    restart: {
      policy: r.policy,
      max_restarts: r.maxRestarts,
      backoff: { initial: duration(r.backoff.initialMs), factor: r.backoff.factor, max: duration(r.backoff.maxMs) },
      reset_after: duration(r.resetAfterMs),
      success_codes: [...r.successCodes],
    },
    stop: { signal: u.stop.signal, timeout: duration(u.stop.timeoutMs) },
    ...health(u.health, shown),
    ...(u.watchdogMs === undefined ? {} : { watchdog: duration(u.watchdogMs) }),
    ...hooks(u.hooks, shown),
    log: { max_size: size(u.log.maxSizeBytes), keep: u.log.keep },
    tty: u.tty === true,
    stdin: u.stdin === true,
    color: u.noColor !== true,
  };
}

/** `hooks:` in the full form, each command as written when it took a value. */
function hooks(h: HooksSpec | undefined, shown: Shown): Plain {
  if (h === undefined) return {};
  const out: Plain = {};
  for (const name of HOOK_NAMES) {
    const hook = h[name];
    if (hook) out[name] = { command: command(hook.command, shown), timeout: duration(hook.timeoutMs) };
  }
  return { hooks: out };
}

function plainSchedule(s: ScheduleSpec): Plain {
  return {
    ...(s.cron !== undefined ? { cron: s.cron } : {}),
    ...(s.everyMs !== undefined ? { every: duration(s.everyMs) } : {}),
    ...(s.timezone !== undefined ? { timezone: s.timezone } : {}),
    run_on_start: s.runOnStart,
    concurrency: s.concurrency,
  };
}

function health(h: HealthSpec, shown: Shown): Plain {
  const out: Plain = {};
  if (h.readiness) out.readiness = probe(h.readiness, shown);
  if (h.liveness) out.liveness = probe(h.liveness, shown);
  return Object.keys(out).length > 0 ? { health: out } : {};
}

function probe(p: ProbeSpec, shown: Shown): Plain {
  const c = p.check;
  const check =
    c.kind === 'exec'
      ? { exec: command(c.command, shown) }
      : c.kind === 'http'
        ? { http: shown.show ? text(c.written, c.url, shown) : withoutCredentials(text(c.written, c.url, shown), SET) }
        : c.kind === 'tcp'
          ? { tcp: text(c.written, `${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}`, shown) }
          : c.kind === 'notify'
            ? { notify: true }
            : { log: text(c.written, c.pattern, shown) };
  return {
    ...check,
    interval: duration(p.intervalMs),
    timeout: duration(p.timeoutMs),
    initial_delay: duration(p.initialDelayMs),
    failure_threshold: p.failureThreshold,
    success_threshold: p.successThreshold,
  };
}

function watchRule(spec: Spec, w: WatchRule, opts: PlainOptions): Plain {
  const env = envBeyond(w.env, { ...opts.inherited, ...spec.env });
  return {
    paths: [...w.paths],
    ...(w.ignore.length > 0 ? { ignore: [...w.ignore] } : {}),
    debounce: duration(w.debounceMs),
    ...(w.sync !== undefined ? { sync: escape(relativeDir(spec.root, w.sync)) } : {}),
    ...(w.run ? { run: command(w.run, { show: opts.showValues, env: w.env, keep: [] }) } : {}),
    ...(w.restart.length > 0 ? { restart: [...w.restart] } : {}),
    rolling: w.rolling,
    initial: w.initial,
    poll: w.poll,
    cwd: relativeDir(spec.root, w.cwd),
    ...(Object.keys(env).length > 0 ? { env: values(env, opts.showValues) } : {}),
  };
}

/** A command in the spec's form: a string for the shell, an array exec'd. */
function command(c: Command, shown: Shown): string | string[] {
  if (c.kind === 'shell') return text(c.written, c.script, shown);
  const resolved = [c.file, ...c.args];
  return c.written ? c.written.map((w) => text(w, '', shown)) : resolved.map(escape);
}

/**
 * A text as the spec would write it: from its written form (when it took values) with each
 * variable's value, or `<set>`, or `${NAME}` for the kept ones; else the resolved text. `$` of a
 * value is written `$$`, so that it reads back as it is.
 */
function text(written: string | undefined, resolved: string, shown: Shown): string {
  if (written === undefined) return escape(resolved);
  const value = interpolate(written, (name) => {
    // A NUL cannot be in an env value: it marks the reference until the `$` are escaped.
    // Another unit's port (`${ports.api}`) stays a reference, as written: it reads back the same.
    if (shown.keep.includes(name) || name.startsWith('ports.')) return `\u0000${name}\u0000`;
    const v = Object.hasOwn(shown.env, name) ? shown.env[name] : undefined;
    return shown.show || v === undefined || v === '' ? v : SET;
  }).value;
  // eslint-disable-next-line no-control-regex -- the NUL marks set just above
  return escape(value).replace(/\u0000([A-Za-z_][A-Za-z0-9_.-]*)\u0000/g, '$${$1}');
}

/** The entries of `env` that `base` does not already hold with the same value, procs' own left out. */
function envBeyond(
  env: Readonly<Record<string, string>>,
  base: Readonly<Record<string, string | undefined>>,
  skip: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (OWN_VARS.has(k) || skip.includes(k) || (Object.hasOwn(base, k) && base[k] === v)) continue;
    out[k] = v;
  }
  return out;
}

/** Env values as printed: `<set>`, or the value with `$` written `$$` (read back unchanged). */
function values(env: Readonly<Record<string, string>>, show: boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, show ? escape(v) : SET]));
}

/** Text read back as written: a `$` of the resolved value must not be interpolated again. */
function escape(text: string): string {
  return text.replaceAll('$', '$$$$');
}

/** A folder relative to the spec's folder (`.` for the folder itself). */
function relativeDir(root: string, dir: string): string {
  const rel = path.relative(root, dir);
  return rel === '' ? '.' : rel;
}

/** Milliseconds as the spec writes a duration: `2s`, `150ms`, `1m`. */
export function duration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Bytes as the spec writes a size: `10MB`, `512KB`, or a number of bytes. */
function size(bytes: number): string | number {
  for (const [unit, n] of [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ] as const)
    if (bytes > 0 && bytes % n === 0) return `${bytes / n}${unit}`;
  return bytes;
}
