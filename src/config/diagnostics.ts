// Collecting and printing spec problems. Every check reports into one `Diagnostics` so that all
// problems come out at once, deduplicated and in file order.
import path from 'node:path';
import { printable } from '../base/printable.js';
import type { SourcePos, SpecDiagnostic } from './spec.js';

/** A position for problems that belong to no line of a file (a missing file, a `-m` flag). */
export function nowhere(file: string): SourcePos {
  return { file, line: 0, col: 0 };
}

/** The problems found so far; `all()` returns them sorted and without repeats. */
export class Diagnostics {
  private readonly list: SpecDiagnostic[] = [];
  private readonly seen = new Set<string>();
  /** Every report, a repeated one too. */
  private reports = 0;

  /** Records an error: the spec is not used. */
  error(pos: SourcePos, message: string): void {
    this.add(pos, message, 'error');
  }

  /** Records a warning: the spec is still used. */
  warn(pos: SourcePos, message: string): void {
    this.add(pos, message, 'warning');
  }

  /** True once any error (not a warning) has been recorded. */
  hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }

  /** How many problems were reported so far, each repeat counted. */
  count(): number {
    return this.reports;
  }

  /** The number of errors recorded so far. */
  errorCount(): number {
    return this.list.filter((d) => d.severity === 'error').length;
  }

  /** Every problem, ordered by file (in the given order, others after), line and column. */
  all(fileOrder: readonly string[] = []): SpecDiagnostic[] {
    const rank = (f: string): number => {
      const i = fileOrder.indexOf(f);
      return i === -1 ? fileOrder.length : i;
    };
    return this.list
      .map((d, i) => ({ d, i }))
      .sort((a, b) => rank(a.d.file) - rank(b.d.file) || a.d.file.localeCompare(b.d.file) || a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i)
      .map(({ d }) => d);
  }

  /** Records one problem, once: checks that run per pool instance report the same thing many times. */
  private add(pos: SourcePos, message: string, severity: SpecDiagnostic['severity']): void {
    this.reports++;
    const key = `${pos.file}\0${pos.line}\0${pos.col}\0${severity}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ file: pos.file, line: pos.line, col: pos.col, message, severity });
  }
}

/**
 * One diagnostic as a line: `FILE:LINE:COL  message`, FILE relative to `cwd` when under it,
 * `warning: ` before the message of a warning. Problems without a line print `FILE  message`.
 * Messages echo what the user wrote (keys, values, file names): control characters are escaped.
 */
export function formatDiagnostic(d: SpecDiagnostic, cwd: string): string {
  const text = printable(d.severity === 'warning' ? `warning: ${d.message}` : d.message);
  if (d.file === '') return text;
  const where = printable(displayPath(d.file, cwd));
  return d.line > 0 ? `${where}:${d.line}:${d.col}  ${text}` : `${where}  ${text}`;
}

/** A path as a user in `cwd` would type it: relative when inside `cwd`, absolute otherwise. */
function displayPath(file: string, cwd: string): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  if (rel === '') return '.';
  const outside = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  return outside ? file : rel;
}
