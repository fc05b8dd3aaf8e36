// The log filter: text (contained, case-sensitive) or /regex/ (a JS RegExp); an invalid regex
// matches nothing and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matches, parseFilter } from '../../page/lib/filter.js';

test('empty passes every line', () => {
  const f = parseFilter('');
  assert.equal(f.kind, 'none');
  assert.ok(matches(f, 'anything'));
});

test('text: lines containing it, case-sensitive; a lone slash is text', () => {
  const f = parseFilter('GET /');
  assert.equal(f.kind, 'text');
  assert.ok(matches(f, 'x GET /health'));
  assert.ok(!matches(f, 'get /health'));
  assert.equal(parseFilter('/').kind, 'text');
  assert.ok(matches(parseFilter('/'), 'a/b'));
});

test('/regex/: a JS regular expression', () => {
  const f = parseFilter('/^line \\d+5$/');
  assert.equal(f.kind, 'regex');
  assert.ok(matches(f, 'line 15'));
  assert.ok(!matches(f, 'line 16'));
  assert.ok(!matches(f, 'xline 15'));
  // Tested again and again: no state kept between lines.
  for (let i = 0; i < 3; i++) assert.ok(matches(f, 'line 25'));
});

test('an invalid /regex/ matches nothing and carries the error', () => {
  const f = parseFilter('/(/');
  assert.equal(f.kind, 'invalid');
  assert.ok(f.kind === 'invalid' && f.error.length > 0);
  assert.ok(!matches(f, '('));
});
