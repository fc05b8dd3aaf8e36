// GET /api/logs: a page of lines from the unit log files, for a page that scrolls up past what it
// holds. Paging is exact even when many lines share a millisecond: the page says the stamp of the
// oldest line it holds (`before`) and how many lines of each unit it holds with exactly that stamp
// (`have`), and gets the `limit` lines just older than those, oldest first.
import { suggest } from '../base/suggest.js';
import { logMatcher, logPatternProblem } from '../config/log-pattern.js';
import { ControlError, type ProjectStatus } from '../control/api.js';
import { BackwardLog } from './log-files.js';
import type { LogLine, LogPage } from './protocol.js';

export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 5000;

export interface LogQuery {
  /** Units (instances for a pool), in unit order. */
  readonly units: readonly string[];
  /** Only lines stamped at or before (ISO-8601, as the files stamp them). */
  readonly before?: string;
  /** Lines held with exactly the `before` stamp, by unit: the newest ones of those are left out. */
  readonly have: ReadonlyMap<string, number>;
  readonly limit: number;
  /** Whether a line's text (escape sequences taken out) passes the filter. */
  readonly filter?: (plain: string) => boolean;
}

/** The unit names `wanted` stands for (a pool name: its instances; none: every unit), in unit order. */
export function resolveNames(wanted: readonly string[], status: ProjectStatus): string[] {
  const units = status.units;
  if (wanted.length === 0) return units.map((u) => u.name);
  const known = [...new Set([...units.map((u) => u.name), ...units.flatMap((u) => (u.pool ? [u.pool] : [])), ...status.pools.map((p) => p.name)])];
  for (const name of wanted) {
    if (!known.includes(name)) {
      const hint = suggest(name, known);
      throw new ControlError('unknown-unit', `no unit named '${name}'${hint ? `; did you mean '${hint}'?` : ''}`);
    }
  }
  const set = new Set(wanted);
  return units.filter((u) => set.has(u.name) || (u.kind === 'instance' && u.pool !== null && set.has(u.pool))).map((u) => u.name);
}

/** The query of a request's parameters (units resolved by the caller). */
export function parseLogQuery(params: URLSearchParams, units: readonly string[]): LogQuery {
  const before = params.get('before');
  let stamp: string | undefined;
  if (before !== null) {
    const t = Date.parse(before);
    if (Number.isNaN(t)) throw new ControlError('bad-request', `before must be a time (ISO-8601), got '${before.slice(0, 100)}'`);
    stamp = new Date(t).toISOString();
  }
  const have = new Map<string, number>();
  for (const h of params.getAll('have')) {
    const colon = h.lastIndexOf(':');
    const k = colon < 0 ? NaN : Number(h.slice(colon + 1));
    if (colon <= 0 || !/^\d{1,9}$/.test(h.slice(colon + 1)) || !Number.isSafeInteger(k))
      throw new ControlError('bad-request', `have must be NAME:COUNT, got '${h.slice(0, 100)}'`);
    have.set(h.slice(0, colon), (have.get(h.slice(0, colon)) ?? 0) + k);
  }
  const l = params.get('limit');
  if (l !== null && !/^\d{1,9}$/.test(l)) throw new ControlError('bad-request', `limit must be a whole number, got '${l.slice(0, 100)}'`);
  const limit = l === null ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, Math.max(1, Number(l)));
  const q = params.get('q');
  const filter = q === null || q === '' ? undefined : textFilter(q);
  return { units, ...(stamp === undefined ? {} : { before: stamp }), have, limit, ...(filter ? { filter } : {}) };
}

/** `TEXT`: lines containing it; `/RE/`: lines matching it (RE2 syntax). */
export function textFilter(q: string): (plain: string) => boolean {
  if (q.length >= 2 && q.startsWith('/') && q.endsWith('/')) {
    const pattern = q.slice(1, -1);
    const problem = logPatternProblem(pattern);
    if (problem) {
      const what = problem.kind === 'invalid' ? 'not a regular expression' : 'not supported (RE2 syntax: no lookahead, no backreferences)';
      throw new ControlError('bad-request', `q: ${what}: ${problem.detail}${problem.fragment ? ` at '${problem.fragment}'` : ''}`);
    }
    const m = logMatcher(pattern);
    return (plain) => m.test(plain);
  }
  return (plain) => plain.includes(q);
}

// eslint-disable-next-line no-control-regex -- escape sequences are what is taken out
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g;

/** A line's text without its escape sequences (colours), as the page shows it. */
export function plainText(text: string): string {
  return text.includes('\u001b') ? text.replace(ESCAPES, '') : text;
}

/** The lines the query asks for, oldest first, and whether there are older ones. */
export async function queryLogs(dir: string, q: LogQuery): Promise<LogPage> {
  const logs = await Promise.all(q.units.map((u) => BackwardLog.open(dir, u)));
  try {
    const heads = await Promise.all(logs.map((l) => l.next()));
    const left = new Map(q.have);
    const out: LogLine[] = [];
    for (;;) {
      // The newest line of any unit; on equal stamps, the later unit's (the merge's order, backwards).
      let at = -1;
      for (let i = heads.length - 1; i >= 0; i--) {
        const h = heads[i];
        if (h !== undefined && (at < 0 || h.ts > (heads[at] as LogLine).ts)) at = i;
      }
      if (at < 0) return { lines: out.reverse(), more: false };
      const line = heads[at] as LogLine;
      heads[at] = await (logs[at] as BackwardLog).next();
      if (q.before !== undefined && line.ts > q.before) continue;
      if (q.filter && !q.filter(plainText(line.text))) continue;
      if (q.before !== undefined && line.ts === q.before) {
        const k = left.get(line.unit) ?? 0;
        if (k > 0) {
          left.set(line.unit, k - 1);
          continue;
        }
      }
      if (out.length === q.limit) return { lines: out.reverse(), more: true };
      out.push(line);
    }
  } finally {
    await Promise.all(logs.map((l) => l.close()));
  }
}
