// `log:` readiness patterns run on RE2 (re2js, a pure JS port): matching takes time linear in
// the line, so no pattern can freeze procs on a line it is shown, and at most the first
// MAX_MATCHED_CHARS of a line are looked at. JS syntax is translated; what RE2 cannot do
// (lookahead, backreferences) is a validation error. re2js loads on first use: only a spec
// with a log probe pays for it.
import { createRequire } from 'node:module';
import type * as Re2 from 're2js';

/** How much of one line a log pattern is matched against. */
export const MAX_MATCHED_CHARS = 16 * 1024;

export interface LogMatcher {
  /** Whether the pattern matches somewhere in the line (its first MAX_MATCHED_CHARS). */
  test(line: string): boolean;
}

/** Why a pattern cannot be used, and the part of it concerned when known. */
export interface PatternProblem {
  readonly message: string;
  readonly fragment: string | undefined;
}

let re2: typeof Re2 | undefined;
function load(): typeof Re2 {
  re2 ??= createRequire(import.meta.url)('re2js') as typeof Re2;
  return re2;
}

function compileRe2(pattern: string): Re2.RE2JS {
  const { RE2JS } = load();
  return RE2JS.compile(RE2JS.translateRegExp(pattern), RE2JS.LOOKBEHINDS);
}

/**
 * A matcher for a pattern that `logPatternProblem` accepted. A longer line is cut, and a `\n`
 * put where it was cut, so that `$` does not match there as if the line ended.
 */
export function logMatcher(pattern: string): LogMatcher {
  const re = compileRe2(pattern);
  return { test: (line) => re.test(line.length > MAX_MATCHED_CHARS ? `${line.slice(0, MAX_MATCHED_CHARS)}\n` : line) };
}

/** Undefined when the pattern can be used, else what is wrong with it (never throws). */
export function logPatternProblem(pattern: string): PatternProblem | undefined {
  try {
    new RegExp(pattern);
  } catch (err) {
    const why = err instanceof Error ? (err.message.split(': ').at(-1) ?? '') : '';
    return { message: `is not a valid regular expression (${why})`, fragment: undefined };
  }
  try {
    compileRe2(pattern);
    return undefined;
  } catch (err) {
    const e = err as { getDescription?: () => string; getPattern?: () => string | null; message?: string };
    const what = e.getDescription?.() ?? e.message ?? String(err);
    const fragment = e.getPattern?.() ?? undefined;
    return {
      message: `uses what log patterns cannot do (${what}): they run on RE2, in linear time, without lookahead or backreferences`,
      fragment: fragment ?? undefined,
    };
  }
}
