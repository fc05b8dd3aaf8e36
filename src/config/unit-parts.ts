// The parts every unit has, with the defaults filled in: restart, stop, log, health, depends_on.
import { interp, toCommand, type Context } from './context.js';
import { normalizeSignal, parseDuration, parseSize } from './durations.js';
import type { Lookup } from './interpolate.js';
import { logPatternProblem } from './log-pattern.js';
import { masked, takesValues, withoutCredentials } from './redact.js';
import type { DependsOn, Health, LivenessProbe, Log, ReadinessProbe, Restart, RestartOptions, Stop } from './spec-types.generated.js';
import type { Dependency, HealthSpec, LogSpec, ProbeCheck, ProbeSpec, RestartSpec, StopSpec } from './spec.js';
import { describePath, locate, posInText, valuePos, type PathSeg } from './tree.js';

export const DEFAULTS = {
  restart: { policy: 'on-failure', maxRestarts: 5, initialMs: 250, factor: 2, maxMs: 30_000, resetAfterMs: 30_000 },
  stop: { signal: 'SIGTERM', timeoutMs: 10_000 },
  log: { maxSizeBytes: 10 * 1024 * 1024, keep: 3 },
  probe: { intervalMs: 1000, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 3, successThreshold: 1 },
  shell: '/bin/sh',
  debounceMs: 150,
  replicas: 1,
} as const;

/** Milliseconds of a duration the schema has already checked, or the default. */
export function ms(v: string | number | undefined, fallback: number): number {
  return v === undefined ? fallback : (parseDuration(v) ?? fallback);
}

/** The restart policy: a name, or the full form, over the defaults. */
export function restartSpec(raw: Restart | undefined): RestartSpec {
  const o: RestartOptions = typeof raw === 'string' ? { policy: raw } : (raw ?? {});
  const d = DEFAULTS.restart;
  return {
    policy: o.policy ?? d.policy,
    maxRestarts: o.max_restarts ?? d.maxRestarts,
    backoff: { initialMs: ms(o.backoff?.initial, d.initialMs), factor: o.backoff?.factor ?? d.factor, maxMs: ms(o.backoff?.max, d.maxMs) },
    resetAfterMs: ms(o.reset_after, d.resetAfterMs),
    successCodes: o.success_codes ?? [0],
  };
}

/** How to stop: the signal (as `SIGTERM`) and how long before SIGKILL. */
export function stopSpec(raw: Stop | undefined): StopSpec {
  return {
    signal: normalizeSignal(raw?.signal ?? DEFAULTS.stop.signal) ?? DEFAULTS.stop.signal,
    timeoutMs: ms(raw?.timeout, DEFAULTS.stop.timeoutMs),
  };
}

/** Log rotation: size in bytes and files kept. */
export function logSpec(raw: Log | undefined): LogSpec {
  const size = raw?.max_size === undefined ? undefined : parseSize(raw.max_size);
  return { maxSizeBytes: size ?? DEFAULTS.log.maxSizeBytes, keep: raw?.keep ?? DEFAULTS.log.keep };
}

/** `depends_on` as a list of conditions: the list form means `started`; `restart` is set only when true. */
export function dependencies(raw: DependsOn | undefined): Dependency[] {
  if (raw === undefined) return [];
  if (Array.isArray(raw)) return raw.map((name) => ({ name, condition: 'started' }));
  return Object.entries(raw).flatMap(([name, value]): Dependency[] => {
    if (value === undefined) return [];
    if (typeof value === 'string') return [{ name, condition: value }];
    return [{ name, condition: value.condition ?? 'started', ...(value.restart === true ? { restart: true as const } : {}) }];
  });
}

/** Probes, interpolated against the unit's environment. */
export function healthSpec(ctx: Context, raw: Health | undefined, where: readonly PathSeg[], lookup: Lookup, shell: string): HealthSpec {
  const out: { readiness?: ProbeSpec; liveness?: ProbeSpec } = {};
  if (raw?.readiness) out.readiness = probe(ctx, raw.readiness, [...where, 'readiness'], lookup, shell);
  if (raw?.liveness) out.liveness = probe(ctx, raw.liveness, [...where, 'liveness'], lookup, shell);
  return out;
}

/** One probe: its check and its timing. */
function probe(ctx: Context, raw: ReadinessProbe | LivenessProbe, where: readonly PathSeg[], lookup: Lookup, shell: string): ProbeSpec {
  const d = DEFAULTS.probe;
  return {
    check: probeCheck(ctx, raw, where, lookup, shell),
    intervalMs: ms(raw.interval, d.intervalMs),
    timeoutMs: ms(raw.timeout, d.timeoutMs),
    initialDelayMs: ms(raw.initial_delay, d.initialDelayMs),
    failureThreshold: raw.failure_threshold ?? d.failureThreshold,
    successThreshold: raw.success_threshold ?? d.successThreshold,
  };
}

/** The check of a probe; targets are checked once interpolated (values never quoted in errors). */
function probeCheck(ctx: Context, raw: ReadinessProbe | LivenessProbe, where: readonly PathSeg[], lookup: Lookup, shell: string): ProbeCheck {
  const fail = (key: string, why: string): void => ctx.diags.error(valuePos(ctx.tree, [...where, key]), `${describePath([...where, key])} ${why}`);
  if ('notify' in raw && raw.notify === true) return { kind: 'notify', display: 'notify' };
  if (raw.exec !== undefined) {
    const shown = typeof raw.exec === 'string' ? masked(raw.exec, lookup) : raw.exec.map((a) => masked(a, lookup)).join(' ');
    return { kind: 'exec', command: toCommand(ctx, [...where, 'exec'], raw.exec, lookup, shell), display: shown };
  }
  if (raw.http !== undefined) {
    const url = interp(ctx, [...where, 'http'], raw.http, lookup);
    if (!/^https?:$/.test(URL.parse(url)?.protocol ?? '')) fail('http', 'is not an http:// or https:// URL');
    return { kind: 'http', url, display: withoutCredentials(masked(raw.http, lookup)), ...writtenForm(raw.http, lookup) };
  }
  if (raw.tcp !== undefined) {
    const target = parseHostPort(interp(ctx, [...where, 'tcp'], String(raw.tcp), lookup));
    if (!target) fail('tcp', 'must be HOST:PORT (like 127.0.0.1:6379), with a port from 1 to 65535');
    return {
      kind: 'tcp',
      host: target?.host ?? '',
      port: target?.port ?? 0,
      display: masked(String(raw.tcp), lookup),
      ...writtenForm(String(raw.tcp), lookup),
    };
  }
  const written = 'log' in raw && raw.log !== undefined ? raw.log : '';
  const pattern = interp(ctx, [...where, 'log'], written, lookup);
  const problem = logPatternProblem(pattern);
  if (problem?.kind === 'invalid') fail('log', `is not a valid regular expression (${problem.detail})`);
  else if (problem) {
    // Point at the construct when it is written in the spec (not brought in by a variable).
    const at = problem.fragment ? written.indexOf(problem.fragment) : -1;
    const path = [...where, 'log'];
    const pos = at < 0 ? valuePos(ctx.tree, path) : posInText(locate(ctx.tree, path).node, at, valuePos(ctx.tree, path));
    const what = at < 0 ? 'part of this pattern' : `\`${problem.fragment}\``;
    ctx.diags.error(
      pos,
      `${describePath(path)}: log patterns cannot use ${what} (${problem.detail}): they run on RE2, in linear time, so without lookahead or backreferences`,
    );
  }
  return { kind: 'log', pattern, display: masked(written, lookup), ...writtenForm(written, lookup) };
}

/** `{ written }` when the target takes a variable's value. */
function writtenForm(text: string, lookup: Lookup): { written?: string } {
  return takesValues(text, lookup) ? { written: text } : {};
}

/** `HOST:PORT`, `[::1]:PORT` or a bare port (meaning 127.0.0.1); undefined when malformed. */
function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  if (!m) return undefined;
  const host = m[1] || m[2] || '127.0.0.1';
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}
