// The log pane's ANSI parser: SGR colours (16, 256, truecolor) and styles become segments, other
// escape sequences are left out, styles start afresh on each line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { color256, parseAnsi, stripAnsi } from '../../page/lib/ansi.js';

const ESC = '\u001b';

test('plain text is one segment without style', () => {
  assert.deepEqual(parseAnsi('hello'), [{ text: 'hello' }]);
  assert.deepEqual(parseAnsi(''), []);
});

test('16 colours, bright ones and backgrounds; reset and default colours', () => {
  assert.deepEqual(parseAnsi(`a${ESC}[31mred${ESC}[0mb${ESC}[92;44mx${ESC}[39my${ESC}[49mz`), [
    { text: 'a' },
    { text: 'red', fg: 'var(--ansi-1)' },
    { text: 'b' },
    { text: 'x', fg: 'var(--ansi-10)', bg: 'var(--ansi-4)' },
    { text: 'y', bg: 'var(--ansi-4)' },
    { text: 'z' },
  ]);
  assert.deepEqual(parseAnsi(`${ESC}[mplain`), [{ text: 'plain' }]);
});

test('256 colours: the basic ones, the 6×6×6 cube and the greys', () => {
  assert.equal(color256(9), 'var(--ansi-9)');
  assert.equal(color256(16), 'rgb(0,0,0)');
  assert.equal(color256(196), 'rgb(255,0,0)');
  assert.equal(color256(208), 'rgb(255,135,0)');
  assert.equal(color256(232), 'rgb(8,8,8)');
  assert.equal(color256(255), 'rgb(238,238,238)');
  assert.deepEqual(parseAnsi(`${ESC}[38;5;208;48;5;21mo`), [{ text: 'o', fg: 'rgb(255,135,0)', bg: 'rgb(0,0,255)' }]);
});

test('truecolor, with ; and with : separators', () => {
  assert.deepEqual(parseAnsi(`${ESC}[38;2;10;20;30mt${ESC}[48:2::1:2:3mu`), [
    { text: 't', fg: 'rgb(10,20,30)' },
    { text: 'u', fg: 'rgb(10,20,30)', bg: 'rgb(1,2,3)' },
  ]);
});

test('bold, dim, italic, underline, and their resets', () => {
  assert.deepEqual(parseAnsi(`${ESC}[1;3;4mA${ESC}[22;2mB${ESC}[23;24;22mC`), [
    { text: 'A', bold: true, italic: true, underline: true },
    { text: 'B', dim: true, italic: true, underline: true },
    { text: 'C' },
  ]);
});

test('inverse swaps the colours', () => {
  assert.deepEqual(parseAnsi(`${ESC}[7;31mi`), [{ text: 'i', fg: 'var(--log-bg)', bg: 'var(--ansi-1)' }]);
});

test('other escape sequences (cursor moves, erase, OSC titles and links) are left out', () => {
  const line = `${ESC}[2K${ESC}[1Gdone ${ESC}]0;title${ESC}\\${ESC}]8;;http://x${ESC}\\link${ESC}]8;;${ESC}\\ ok${ESC}(B`;
  assert.deepEqual(
    parseAnsi(line).map((s) => s.text),
    ['done ', 'link', ' ok'],
  );
  assert.equal(stripAnsi(line), 'done link ok');
  assert.equal(stripAnsi(`${ESC}[1;32mgreen${ESC}[0m text`), 'green text');
});

test('markup in the text stays text', () => {
  assert.deepEqual(parseAnsi(`<b>${ESC}[1m<img src=x onerror=alert(1)>`), [{ text: '<b>' }, { text: '<img src=x onerror=alert(1)>', bold: true }]);
});
