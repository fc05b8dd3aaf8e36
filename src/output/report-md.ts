// The CI report as Markdown: what `$GITHUB_STEP_SUMMARY` gets appended and `--report DIR` writes
// as report.md. A table of the units (state, time to ready, restarts, last exit) and, for each
// unit that was not up, its last lines in a collapsed block. Pure: facts in, text out. Unit
// output and names may hold anything, so every piece of text is escaped for where it lands: a
// table cell, an HTML `<summary>`, or a fenced block longer than any backtick run it holds.
import { formatDuration } from './format.js';

/** One unit as the report shows it. */
export interface ReportUnit {
  readonly unit: string;
  readonly state: string;
  /** Why it failed, was skipped or stopped, when known. */
  readonly reason: string | null;
  /** From the run's start to up; null when it never was (or is not known yet). */
  readonly readyMs: number | null;
  readonly restarts: number;
  /** How its last run ended, `code 3` or `SIGKILL`; null when it has not exited. */
  readonly exit: string | null;
  /** Not up when the report was made: its last lines go in a collapsed block. */
  readonly notUp: boolean;
  readonly lastLines: readonly string[];
}

/** `procs run`'s command: what it was and how it ended (null status: it did not run). */
export interface ReportCommand {
  readonly text: string;
  readonly status: number | null;
}

export interface ReportFacts {
  /** `procs run` or `procs up --wait`. */
  readonly title: string;
  readonly project: string;
  readonly ok: boolean;
  /** One line: how it ended. */
  readonly outcome: string;
  readonly units: readonly ReportUnit[];
  readonly command?: ReportCommand;
}

/** Lines of a unit shown in its block at most, and characters of one line. */
export const REPORT_LINES = 30;
const LINE_MAX = 1000;
const NONE = '—';

// eslint-disable-next-line no-control-regex -- control characters are what is escaped
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- the same, tabs kept: they read fine in a block
const CONTROL_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/** A control character as a visible escape: `\n`, `\x1b`. */
function visible(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** Text for HTML (a `<summary>`): no tag, no entity, no control character. */
export function escapeHtml(text: string): string {
  return text.replace(CONTROL, visible).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** Text for a table cell: HTML escaped, and Markdown's own marks (`|`, backticks, emphasis, links) taken literally. */
export function escapeCell(text: string): string {
  return escapeHtml(text).replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

/** A fenced block holding `lines` as they are: its fence is longer than any backtick run inside. */
export function fencedBlock(lines: readonly string[]): string {
  const body = lines.map((l) => (l.length > LINE_MAX ? `${l.slice(0, LINE_MAX)}…` : l).replace(CONTROL_BUT_TAB, visible));
  const longest = Math.max(0, ...body.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}text`, ...body, fence].join('\n');
}

function ms(v: number | null): string {
  return v === null ? NONE : formatDuration(v);
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** The unit's collapsed block: a summary line, then its last lines. */
function block(u: ReportUnit): string {
  const lines = u.lastLines.slice(-REPORT_LINES);
  const what = `${u.unit} ${u.state}${u.reason ? `: ${u.reason}` : ''}`;
  const count = lines.length === 0 ? 'no output' : `last ${lines.length} line${lines.length === 1 ? '' : 's'}`;
  return [
    `<details><summary>${escapeHtml(`${what} (${count})`)}</summary>`,
    '',
    fencedBlock(lines.length === 0 ? ['(no output)'] : lines),
    '',
    '</details>',
  ].join('\n');
}

/** The report as Markdown, ending with a blank line (sections appended one after another stay apart). */
export function reportMarkdown(f: ReportFacts): string {
  const out: string[] = [];
  out.push(`### ${escapeCell(`${f.title} (${f.project})`)}: ${f.ok ? 'ok' : 'failed'}`, '', escapeCell(f.outcome), '');
  out.push(row(['unit', 'state', 'time to ready', 'restarts', 'exit']), row(['---', '---', '---:', '---:', '---']));
  for (const u of f.units) out.push(row([escapeCell(u.unit), escapeCell(u.state), ms(u.readyMs), String(u.restarts), escapeCell(u.exit ?? NONE)]));
  if (f.command) {
    const state = f.command.status === null ? 'not run' : 'exited';
    out.push(row([`command: ${escapeCell(f.command.text)}`, state, NONE, NONE, f.command.status === null ? NONE : `status ${f.command.status}`]));
  }
  out.push('');
  for (const u of f.units.filter((x) => x.notUp)) out.push(block(u), '');
  return `${out.join('\n')}\n`;
}
