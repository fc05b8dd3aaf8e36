import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { PrefixRenderer } from '../../src/output/prefix.js';
import { UnitLayout } from '../../src/output/layout.js';
import { Collector, stripAnsi } from './support.js';

// 10:04:31 local time, whatever the machine's zone.
const NOW = new Date(2025, 4, 1, 10, 4, 31).getTime();

/** A renderer on a collector with a fixed clock. */
function setup(names: string[], color = false): { out: Collector; r: PrefixRenderer } {
  const out = new Collector();
  return { out, r: new PrefixRenderer(out, { names, color, now: () => NOW }) };
}

void test('lines are `HH:MM:SS name | text`, names padded to the longest', () => {
  const { out, r } = setup(['db', 'worker.0', 'api']);
  r.write({ unit: 'db', stream: 'stdout', text: 'ready\nlistening\n' });
  r.write({ unit: 'worker.0', stream: 'stdout', text: 'hi\n' });
  assert.equal(out.text(), '10:04:31 db       | ready\n10:04:31 db       | listening\n10:04:31 worker.0 | hi\n');
});

void test('a last line without a newline is completed', () => {
  const { out, r } = setup(['api']);
  r.write({ unit: 'api', stream: 'stdout', text: 'a\nb' });
  r.write({ unit: 'api', stream: 'stdout', text: 'c' });
  assert.equal(out.text(), '10:04:31 api | a\n10:04:31 api | b\n10:04:31 api | c\n');
});

void test('empty lines keep their prefix; an empty batch writes nothing', () => {
  const { out, r } = setup(['api']);
  r.write({ unit: 'api', stream: 'stdout', text: '\n\nx\n' });
  r.write({ unit: 'api', stream: 'stdout', text: '' });
  assert.equal(out.text(), '10:04:31 api | \n10:04:31 api | \n10:04:31 api | x\n');
});

void test('without colour, stderr has the same shape; a pipeline step is shown 1-based', () => {
  const { out, r } = setup(['errors']);
  r.write({ unit: 'errors', stream: 'stderr', text: 'oops\n' });
  r.write({ unit: 'errors', stream: 'stderr', step: 1, text: 'grep: x\ny\n' });
  assert.equal(out.text(), '10:04:31 errors | oops\n10:04:31 errors | [2] grep: x\n10:04:31 errors | [2] y\n');
  assert.ok(!out.text().includes('\x1b'));
});

void test('with colour, names are coloured and stderr gets a red bar; text is the same', () => {
  const { out, r } = setup(['db', 'api'], true);
  r.write({ unit: 'api', stream: 'stdout', text: 'out\n' });
  r.write({ unit: 'api', stream: 'stderr', text: 'err\n' });
  const [outLine, errLine] = out.chunks;
  assert.ok(outLine?.includes('\x1b[0;33mapi'), 'second unit gets the second colour');
  assert.ok(!outLine?.includes('1;31m|'));
  assert.ok(errLine?.includes('\x1b[0;1;31m|'));
  // Each colour carries its own reset: one sequence per change of colour.
  assert.equal(outLine, '\x1b[0;2m10:04:31 \x1b[0;33mapi |\x1b[0m out\n');
  assert.equal(errLine, '\x1b[0;2m10:04:31 \x1b[0;33mapi \x1b[0;1;31m|\x1b[0m err\n');
  assert.equal(stripAnsi(out.text()), '10:04:31 api | out\n10:04:31 api | err\n');
});

void test('names added later widen the column; unknown units are learnt', () => {
  const { out, r } = setup(['api']);
  r.write({ unit: 'api', stream: 'stdout', text: 'a\n' });
  r.addNames(['postgres']);
  r.write({ unit: 'api', stream: 'stdout', text: 'b\n' });
  r.write({ unit: 'x-very-long', stream: 'stdout', text: 'c\n' });
  r.write({ unit: 'api', stream: 'stdout', text: 'd\n' });
  assert.deepEqual(out.text().split('\n').slice(0, 4), ['10:04:31 api | a', '10:04:31 api      | b', '10:04:31 x-very-long | c', '10:04:31 api         | d']);
});

void test('a shared layout lines up two renderers', () => {
  const layout = new UnitLayout(['a', 'bbb'], false);
  const out = new Collector();
  const r = new PrefixRenderer(out, { layout, now: () => NOW });
  r.write({ unit: 'a', stream: 'stdout', text: 'x\n' });
  assert.equal(out.text(), '10:04:31 a   | x\n');
});

void test('each batch is one write call', () => {
  const { out, r } = setup(['api']);
  r.write({ unit: 'api', stream: 'stdout', text: '1\n2\n3\n' });
  assert.equal(out.chunks.length, 1);
});

void test('a destroyed stream drops output instead of throwing or stalling', async () => {
  const { out, r } = setup(['api']);
  out.destroy();
  assert.equal(r.write({ unit: 'api', stream: 'stdout', text: 'x\n' }), true);
  await new Promise<void>((resolve) => r.onceDrain(resolve));
});

void test('a failing stream (EPIPE) is reported once, never thrown, and releases producers', async () => {
  const out = new Writable({
    highWaterMark: 4,
    write: (_chunk, _enc, cb) => setTimeout(() => cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })), 1),
  });
  const errors: string[] = [];
  const r = new PrefixRenderer(out, { names: ['api'], onError: (e) => errors.push(e.message) });
  assert.equal(r.write({ unit: 'api', stream: 'stdout', text: 'one\n' }), false);
  await new Promise<void>((resolve) => r.onceDrain(resolve));
  assert.equal(r.write({ unit: 'api', stream: 'stdout', text: 'two\n' }), true);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(errors, ['write EPIPE']);
});

// Escapes a unit may write that would move procs' cursor or change its screen.
const CURSOR_MOVES = ['\r', '\x1b[2J', '\x1b[5A', '\x1b[H', '\x1b[1;1H', '\x1b[?1049h', '\x1b]0;title\x07', '\x1b7', '\x1b[s', '\x08'];

/** Everything in `text` a terminal would act on that is not newline, tab or an SGR colour. */
function cursorControls(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- looking for control characters
  return [...text.replace(/\x1b\[[\d;:]*m/g, '').matchAll(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g)].map((m) => m[0]);
}

void test("a unit's carriage returns, cursor moves and screen clears never reach procs' terminal", () => {
  for (const color of [false, true]) {
    const { out, r } = setup(['api', 'db'], color);
    for (const seq of CURSOR_MOVES) {
      r.write({ unit: 'api', stream: 'stdout', text: `before${seq}after\n` });
      r.write({ unit: 'db', stream: 'stderr', text: `x${seq}` });
      r.write({ unit: 'db', stream: 'stdout', text: 'line\n' });
    }
    assert.deepEqual(cursorControls(out.text()), [], `colour ${color}`);
    const lines = stripAnsi(out.text()).split('\n');
    assert.equal(lines.filter((l) => l === '10:04:31 db  | line').length, CURSOR_MOVES.length);
    assert.ok(lines.includes('10:04:31 api | aftere'), 'a "\\r" overwrites the line as a terminal would');
    assert.ok(lines.includes('10:04:31 api | beforeafter'));
  }
});

void test("with colour, a unit's colours are kept and every line that turns one on ends with a reset", () => {
  const { out, r } = setup(['api'], true);
  r.write({ unit: 'api', stream: 'stdout', text: '\x1b[32mgreen\nstill\x1b[0m\n\x1b[1mbold\n' });
  r.write({ unit: 'api', stream: 'stdout', text: '10%\r\x1b[33m100%\n' });
  const lines = out.text().split('\n').slice(0, -1);
  assert.deepEqual(
    lines.map((l) => stripAnsi(l)),
    ['10:04:31 api | green', '10:04:31 api | still', '10:04:31 api | bold', '10:04:31 api | 100%'],
  );
  assert.ok(lines[0]?.includes('\x1b[32mgreen'));
  assert.ok(lines[3]?.includes('\x1b[33m100%'));
  for (const line of lines) assert.ok(line.endsWith('\x1b[0m'), JSON.stringify(line));
});

void test("without colour, a unit's colours are stripped", () => {
  const { out, r } = setup(['api']);
  r.write({ unit: 'api', stream: 'stdout', text: '\x1b[32mgreen\x1b[0m \x1b[38;5;208mrgb\x1b[m\n' });
  assert.equal(out.text(), '10:04:31 api | green rgb\n');
});
