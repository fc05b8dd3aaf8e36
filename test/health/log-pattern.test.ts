// Log patterns on RE2: JS syntax that RE2 can run is accepted and means the same; what it cannot
// (lookahead, backreferences, named ones too) is a problem naming the construct; a long line is
// matched on its first 16 KiB in linear time, and `$` does not match where it was cut.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logMatcher, logPatternProblem, MAX_MATCHED_CHARS } from '../../src/config/log-pattern.js';

describe('log patterns', () => {
  it('accepts what RE2 runs, with JS meaning', () => {
    for (const [pattern, yes, no] of [
      ['^listening on port \\d+$', 'listening on port 3000', 'listening on port x'],
      ['(?<word>ready)', 'server ready', 'server up'],
      ['(?<!not )ready', 'ready', 'not ready'],
      ['[^]x', 'ax', 'a'],
      ['a\\/b', 'a/b', 'ab'],
    ] as const) {
      assert.equal(logPatternProblem(pattern), undefined, pattern);
      const m = logMatcher(pattern);
      assert.equal(m.test(yes), true, `${pattern} on ${yes}`);
      assert.equal(m.test(no), false, `${pattern} on ${no}`);
    }
  });

  it('names what RE2 cannot run, and what is no regular expression at all', () => {
    assert.deepEqual(logPatternProblem('^up (?=now)'), { kind: 'unsupported', detail: 'invalid or unsupported Perl syntax', fragment: '(?=' });
    assert.equal(logPatternProblem('(a)\\1')?.fragment, '\\1');
    assert.deepEqual(logPatternProblem('(?<n>a)\\k<n>'), { kind: 'unsupported', detail: 'a backreference', fragment: '\\k<n>' });
    assert.equal(logPatternProblem('(?<n>a)\\\\k<n>'), undefined, 'an escaped backslash before k is no backreference');
    assert.deepEqual(logPatternProblem('('), { kind: 'invalid', detail: 'Unterminated group', fragment: undefined });
  });

  it('matches a catastrophic pattern on a long line in bounded time, and not at the cut', () => {
    const m = logMatcher('^(a+)+$');
    const started = performance.now();
    assert.equal(m.test(`${'a'.repeat(100_000)}b`), false);
    assert.equal(m.test('a'.repeat(MAX_MATCHED_CHARS + 10)), false, '$ matched where the line was cut');
    assert.equal(m.test('a'.repeat(MAX_MATCHED_CHARS)), true);
    assert.ok(performance.now() - started < 5000, 'matching took seconds');
  });
});
