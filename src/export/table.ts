// The `--check` table: what each target made of every spec key, and what each checker found.
// Pure: text in, text out; the command line prints it.
import type { CheckReport } from './check/types.js';
import type { KeyFate, KeyRow, Target } from './types.js';

export interface TargetCheck {
  readonly target: Target;
  readonly keys: readonly KeyRow[];
  readonly reports: readonly CheckReport[];
}

/** Columns padded to their widest cell, two spaces apart, the last one unpadded. */
function columns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** How many keys of each fate. */
export function fateCounts(keys: readonly KeyRow[]): Record<KeyFate, number> {
  const counts: Record<KeyFate, number> = { mapped: 0, approximated: 0, dropped: 0 };
  for (const k of keys) counts[k.fate]++;
  return counts;
}

/**
 * The key table: for one target UNIT KEY FATE HOW; for several, a fate column per target, then
 * what each target approximated or dropped, and how.
 */
export function keyTableText(checks: readonly TargetCheck[]): string {
  const lines: string[] = [];
  if (checks.length === 1 && checks[0]) {
    const { target, keys } = checks[0];
    lines.push(...columns([['UNIT', 'KEY', target.toUpperCase(), 'HOW'], ...keys.map((k) => [k.unit, k.key, k.fate, k.how])]));
  } else {
    const ids: { unit: string; key: string }[] = [];
    const seen = new Set<string>();
    for (const c of checks)
      for (const k of c.keys) {
        const id = `${k.unit}\u0000${k.key}`;
        if (!seen.has(id)) ids.push({ unit: k.unit, key: k.key });
        seen.add(id);
      }
    const fateOf = (c: TargetCheck, unit: string, key: string): string => c.keys.find((k) => k.unit === unit && k.key === key)?.fate ?? '-';
    lines.push(
      ...columns([
        ['UNIT', 'KEY', ...checks.map((c) => c.target.toUpperCase())],
        ...ids.map(({ unit, key }) => [unit, key, ...checks.map((c) => fateOf(c, unit, key))]),
      ]),
    );
    for (const c of checks) {
      const lost = c.keys.filter((k) => k.fate !== 'mapped');
      if (lost.length === 0) continue;
      lines.push('', `${c.target}: approximated and dropped`);
      lines.push(...columns(lost.map((k) => [`  ${k.unit}`, k.key, k.fate, k.how])));
    }
  }
  lines.push('');
  for (const c of checks) {
    const n = fateCounts(c.keys);
    lines.push(`${c.target}: ${n.mapped} keys mapped, ${n.approximated} approximated, ${n.dropped} dropped`);
  }
  return `${lines.join('\n')}\n`;
}

/** The checkers' findings: one line per file checked (aligned), its problems below it. */
export function checkReportText(checks: readonly TargetCheck[]): string {
  const reports = checks.flatMap((c) => c.reports.map((r) => ({ target: c.target, r })));
  const heads = columns(reports.map(({ target, r }) => [r.problems.length === 0 ? 'ok' : 'FAILED', target, r.file, `(${r.checker})`]));
  const lines = reports.flatMap(({ r }, i) => [heads[i] ?? '', ...r.problems.map((p) => `    ${p}`)]);
  return `${lines.join('\n')}\n`;
}

/** Whether a check passed: not when a checker found a problem, nor with `strict` when a key is dropped. */
export function checkVerdict(checks: readonly TargetCheck[], strict: boolean): { readonly ok: boolean; readonly why?: string } {
  if (checks.some((c) => c.reports.some((r) => r.problems.length > 0))) return { ok: false, why: 'the check failed: see the problems above' };
  const dropped = checks.flatMap((c) => c.keys.filter((k) => k.fate === 'dropped').map((k) => `${c.target} ${k.unit} ${k.key}`));
  if (strict && dropped.length > 0)
    return { ok: false, why: `--strict: keys are dropped (${dropped.length}: ${dropped.slice(0, 3).join(', ')}${dropped.length > 3 ? ', …' : ''})` };
  return { ok: true };
}
