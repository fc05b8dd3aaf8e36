// Shared by the fault suite: it runs under `npm run test:faults` (PROCS_FAULTS=1) and is skipped
// by the everyday `npm test`, which globs the same folder. Also: figures each test reports, a
// per-unit event checker, and numbered-line gap checks.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, type TestContext } from 'node:test';

/** True under `npm run test:faults`. */
export const FAULTS = process.env.PROCS_FAULTS === '1';

/** `describe`, skipped outside the fault suite. */
export function faults(name: string, fn: () => void): void {
  describe(name, { skip: FAULTS ? false : 'run by npm run test:faults' }, fn);
}

/** A number from the environment (e.g. PROCS_FAULTS_POOL_SECONDS), or the default. */
export function tunable(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** Prints a figure of the run (`figure: name = value`) into the test report. */
export function figure(t: TestContext, name: string, value: string | number): void {
  t.diagnostic(`figure: ${name} = ${value}`);
}

export interface LoggedEvent {
  readonly ts: string;
  readonly unit: string;
  readonly type: string;
  readonly state?: string;
  readonly pid?: number;
  readonly attempt?: number;
  readonly forced?: boolean;
  readonly reason?: string;
}

/** `.procs/events.ndjson` of a project, parsed (empty before the first event). */
export function readEvents(dir: string): LoggedEvent[] {
  const file = join(dir, '.procs/events.ndjson');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LoggedEvent);
}

// The state a unit may be in before each kind of event (undefined: never seen).
const LEGAL_BEFORE: Readonly<Record<string, readonly (string | undefined)[]>> = {
  spawn: [undefined, 'starting', 'stopped', 'failed', 'completed', 'pending'],
  ready: ['running', 'unhealthy'],
  unhealthy: ['running', 'ready', 'unhealthy'],
  exit: ['running', 'ready', 'unhealthy', 'stopping', 'starting'],
  backoff: ['backoff'],
  restart: ['backoff'],
  failed: ['failed'],
};

/**
 * Checks an event log: timestamps never go back, and each unit's events follow the supervisor's
 * state machine. Returns the problems found (empty when the log is legal).
 */
export function checkEventLog(events: readonly LoggedEvent[]): string[] {
  const problems: string[] = [];
  const state = new Map<string, string | undefined>();
  let lastTs = '';
  events.forEach((e, i) => {
    if (e.ts < lastTs) problems.push(`event ${i} (${e.unit} ${e.type}) at ${e.ts} is older than ${lastTs}`);
    lastTs = e.ts;
    if (e.unit === 'procs' || e.state === undefined) return;
    const before = state.get(e.unit);
    let legal: readonly (string | undefined)[] | undefined = LEGAL_BEFORE[e.type];
    if (e.type === 'stop') {
      legal =
        e.state === 'stopping'
          ? ['running', 'ready', 'unhealthy', 'starting']
          : e.state === 'skipped'
            ? [undefined, 'pending']
            : ['stopped', 'pending', 'backoff', undefined];
    }
    if (legal !== undefined && !legal.includes(before)) problems.push(`${e.unit}: ${e.type} (→ ${e.state}) after ${before ?? 'nothing'} (event ${i})`);
    state.set(e.unit, e.state);
  });
  return problems;
}

/**
 * Gaps in numbered lines `TAG N`: for each tag, the numbers must run 1, 2, 3… without a hole
 * or a repeat. Returns the problems and the number of lines checked.
 */
export function checkSequences(lines: Iterable<readonly [tag: string, n: number]>): { problems: string[]; checked: number; tags: number } {
  const next = new Map<string, number>();
  const problems: string[] = [];
  let checked = 0;
  for (const [tag, n] of lines) {
    checked++;
    const want = next.get(tag) ?? 1;
    if (n !== want && problems.length < 20) problems.push(`${tag}: line ${n} where ${want} was due`);
    next.set(tag, n + 1);
  }
  return { problems, checked, tags: next.size };
}

/** Resolves once `cond()` holds (checked every `everyMs`), or rejects after `ms` naming `what`. */
export async function until(cond: () => boolean, what: string, ms = 30_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The least-squares slope of y over x. */
export function slope(points: readonly (readonly [x: number, y: number])[]): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
