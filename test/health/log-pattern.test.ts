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

describe('log patterns of plain text', () => {
  it('mean what RE2 means, on short lines, long lines and lines cut at the limit', () => {
    const long = 'x'.repeat(MAX_MATCHED_CHARS);
    const lines = [
      'ready',
      'ready ',
      ' ready',
      'server ready now',
      'READY',
      '',
      'ready\tx',
      `${long}ready`,
      `ready${long}`,
      `${long.slice(5)}ready`,
      `${long.slice(4)}ready`,
    ];
    for (const pattern of ['ready', '^ready', 'ready$', '^ready$', '^', '', 'ready now', 'é ✓ 世界', '^$']) {
      const fast = logMatcher(pattern);
      // The same pattern through RE2: an empty group leaves the meaning and takes the fast path away.
      const re2 = logMatcher(pattern.startsWith('^') ? `^(?:)${pattern.slice(1)}` : `(?:)${pattern}`);
      for (const line of [...lines, 'é ✓ 世界', `a é ✓ 世界`])
        assert.equal(fast.test(line), re2.test(line), `${JSON.stringify(pattern)} on a line of ${line.length}: ${line.slice(0, 20)}`);
    }
  });

  it('are matched without loading RE2', async () => {
    // A process of its own: this one has loaded RE2 for the tests above.
    const { execFileSync } = await import('node:child_process');
    const here = new URL('../../src/config/log-pattern.js', import.meta.url).href;
    const script = `import(${JSON.stringify(here)}).then((m) => { for (const p of ['ready', '^listening on ', '^ready$', 'done$']) if (m.logPatternProblem(p) !== undefined || !m.logMatcher(p).test(p.replace(/^\\^|\\$$/g, ''))) throw new Error(p); console.log(m.re2Loaded(), (m.logMatcher('^ready \\\\d+$'), m.re2Loaded())); });`;
    assert.equal(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim(), 'false true');
  });
});
