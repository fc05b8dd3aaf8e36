// `log:` readiness patterns run on RE2 (re2js, a pure JS port): matching takes time linear in
// the line, so no pattern can freeze procs on a line it is shown, and at most the first
// MAX_MATCHED_CHARS of a line are looked at. JS syntax is translated; what RE2 cannot do
// (lookahead, backreferences) is a validation error. re2js loads on first use: only a spec
// with a log probe pays for it, and not one whose patterns are all plain text (`ready`,
// `^listening on `, `^ready$`): those are matched as text, which means the same, without it.
import { createRequire } from 'node:module';
import type * as Re2 from 're2js';

/** How much of one line a log pattern is matched against. */
export const MAX_MATCHED_CHARS = 16 * 1024;

export interface LogMatcher {
  /** Whether the pattern matches somewhere in the line (its first MAX_MATCHED_CHARS). */
  test(line: string): boolean;
}

/** Why a pattern cannot be used: not a regular expression at all, or beyond RE2; never holds the pattern. */
export interface PatternProblem {
  readonly kind: 'invalid' | 'unsupported';
  /** What is wrong, in the engine's words (`Unterminated group`, `invalid escape sequence`). */
  readonly detail: string;
  /** The part of the pattern concerned, when known (`(?=`, `\1`). */
  readonly fragment: string | undefined;
}

// A named backreference, which translation would otherwise turn into the literal `k<name>`.
const NAMED_BACKREFERENCE = /(?<!\\)(?:\\\\)*(\\k<[^>]*>)/;

let re2: typeof Re2 | undefined;
function load(): typeof Re2 {
  re2 ??= createRequire(import.meta.url)('re2js') as typeof Re2;
  return re2;
}

// Compiled once per text: validation compiles a pattern, and each run of the unit uses it again.
const compiled = new Map<string, Re2.RE2JS>();

function compileRe2(pattern: string): Re2.RE2JS {
  let re = compiled.get(pattern);
  if (!re) {
    const { RE2JS } = load();
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), RE2JS.LOOKBEHINDS);
    compiled.set(pattern, re);
  }
  return re;
}

/**
 * A pattern that is plain text, perhaps anchored (`^` at its start, `$` at its end): its text and
 * anchors, or undefined when it uses anything else of regular expressions (then RE2 matches it).
 * Its meaning is the same as RE2's: `$` is the end of the line, never before a newline.
 */
interface Literal {
  readonly text: string;
  readonly start: boolean;
  readonly end: boolean;
}

// Characters with a meaning in a pattern, and control characters (a newline, where RE2 and text
// matching might differ on a cut line), which leave a pattern to RE2.
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const SPECIAL = /[\\.^$|?*+()[\]{}\x00-\x1f\x7f]/;

function literalOf(pattern: string): Literal | undefined {
  const start = pattern.startsWith('^');
  const end = pattern.length > (start ? 1 : 0) && pattern.endsWith('$');
  const text = pattern.slice(start ? 1 : 0, end ? -1 : undefined);
  // A lone `$` matches a cut line too (after the newline put there): RE2 has it.
  if (SPECIAL.test(text) || text.length > MAX_MATCHED_CHARS || (end && text === '')) return undefined;
  return { text, start, end };
}

/** Whether `line`, as RE2 would see it (its first MAX_MATCHED_CHARS, see logMatcher), matches `lit`. */
function testLiteral(lit: Literal, line: string): boolean {
  // A line cut at MAX_MATCHED_CHARS ends in the newline put there: `$` matches no such line.
  if (lit.end && line.length > MAX_MATCHED_CHARS) return false;
  if (lit.start && lit.end) return line === lit.text;
  if (lit.start) return line.startsWith(lit.text);
  if (lit.end) return line.endsWith(lit.text);
  return (line.length > MAX_MATCHED_CHARS ? line.slice(0, MAX_MATCHED_CHARS) : line).includes(lit.text);
}

/**
 * A matcher for a pattern that `logPatternProblem` accepted. A longer line is cut, and a `\n`
 * put where it was cut, so that `$` does not match there as if the line ended.
 */
export function logMatcher(pattern: string): LogMatcher {
  const lit = literalOf(pattern);
  if (lit !== undefined) return { test: (line) => testLiteral(lit, line) };
  const re = compileRe2(pattern);
  return { test: (line) => re.test(line.length > MAX_MATCHED_CHARS ? `${line.slice(0, MAX_MATCHED_CHARS)}\n` : line) };
}

/** Whether RE2 has been loaded (a spec whose patterns are all plain text never loads it). */
export function re2Loaded(): boolean {
  return re2 !== undefined;
}

/** Undefined when the pattern can be used, else what is wrong with it (never throws). */
export function logPatternProblem(pattern: string): PatternProblem | undefined {
  if (literalOf(pattern) !== undefined) return undefined;
  try {
    new RegExp(pattern);
  } catch (err) {
    const why = err instanceof Error ? (err.message.split(': ').at(-1) ?? '') : '';
    return { kind: 'invalid', detail: why, fragment: undefined };
  }
  const named = NAMED_BACKREFERENCE.exec(pattern)?.[1];
  if (named !== undefined) return { kind: 'unsupported', detail: 'a backreference', fragment: named };
  try {
    compileRe2(pattern);
    return undefined;
  } catch (err) {
    const e = err as { getDescription?: () => string; getPattern?: () => string | null };
    const detail = typeof e.getDescription === 'function' ? e.getDescription() : err instanceof Error ? err.message : String(err);
    const fragment = typeof e.getPattern === 'function' ? (e.getPattern() ?? undefined) : undefined;
    return { kind: 'unsupported', detail, fragment };
  }
}
