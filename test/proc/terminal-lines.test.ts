import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../src/proc/lines.js';
import { SgrState } from '../../src/proc/sgr.js';
import { displayText, terminalText } from '../../src/proc/terminal-display.js';
import { TerminalLines, type TerminalLinesOptions } from '../../src/proc/terminal-lines.js';

const ESC = '\x1b';
const RESET = `${ESC}[0m`;

// Feeds chunks through TerminalLines and gives every emitted text, the end's included.
function play(chunks: (string | Buffer)[], options?: TerminalLinesOptions): string[] {
  const t = new TerminalLines(options);
  const out: string[] = [];
  for (const c of chunks) {
    const text = t.push(typeof c === 'string' ? Buffer.from(c) : c);
    if (text !== undefined) out.push(text);
  }
  const text = t.end();
  if (text !== undefined) out.push(text);
  return out;
}

/** All the text `input` gives, fed whole. */
function whole(input: string, options?: TerminalLinesOptions): string {
  return play([input], options).join('');
}

/**
 * What a terminal shows of lines: each character with the style it is drawn in. Output taken
 * through different paths may spell the same colours with different sequences.
 */
function shown(text: string): string[] {
  const sgr = new SgrState();
  const cells: string[] = [];
  // eslint-disable-next-line no-control-regex -- SGR sequences
  for (const m of text.matchAll(/\x1b\[([\d;:]*)m|[^]/gu)) {
    if (m[1] !== undefined) sgr.apply(m[1]);
    else cells.push(m[0] === '\n' ? '\n' : `${sgr.style}${m[0]}`);
  }
  assert.equal(sgr.style, '', `a style is left on at the end of ${JSON.stringify(text)}`);
  return cells;
}

/** Every way of cutting `input` in two at a byte offset (and byte by byte) shows what it shows whole. */
function assertSplitProof(input: string): void {
  const bytes = Buffer.from(input);
  const expected = shown(whole(input));
  for (let at = 0; at <= bytes.length; at++) {
    assert.deepEqual(shown(play([bytes.subarray(0, at), bytes.subarray(at)]).join('')), expected, `cut at byte ${at} of ${JSON.stringify(input)}`);
  }
  assert.deepEqual(shown(play([...bytes].map((b) => Buffer.from([b]))).join('')), expected, `byte by byte: ${JSON.stringify(input)}`);
}

describe('TerminalLines', () => {
  it('gives the same lines as LineSplitter for plain output', () => {
    const chunks = ['a\nb\nc', 'd\n', 'tab\there\n', 'héllo → 世界\n', 'last'];
    const s = new LineSplitter();
    const expected = chunks.map((c) => s.push(Buffer.from(c))?.toString()).filter((x) => x !== undefined);
    expected.push(s.end() ?? '');
    assert.deepEqual(play(chunks), expected);
    assert.deepEqual(play(['']), []);
  });

  it('turns a terminal\'s "\\r\\n" into "\\n"', () => {
    assert.deepEqual(play(['one\r\ntwo\r\n', 'three\r', '\nfour']), ['one\ntwo\n', 'three\n', 'four\n']);
  });

  it('keeps only the last frame of a carriage-return progress bar, with its colour', () => {
    assert.equal(whole(`10%\r20%\r${ESC}[32m30%${ESC}[0m\r\n`), `${ESC}[32m30%${RESET}\n`);
    const frames = Array.from({ length: 50 }, (_, i) => `\r[${'#'.repeat(i / 5).padEnd(10)}] ${i * 2}%`).join('');
    assert.equal(whole(`${frames}\r${ESC}[K${ESC}[32mdone${ESC}[0m\r\nnext\r\n`), `${ESC}[32mdone${RESET}\nnext\n`);
  });

  it('overwrites in place: "\\r", backspace, and a shorter frame leaves the longer one\'s end', () => {
    assert.equal(whole('abc\rX\n'), 'Xbc\n');
    assert.equal(whole('abc\b\bZ\n'), 'aZc\n');
    assert.equal(whole('\b\bx\n'), 'x\n');
  });

  it('plays a spinner to its last frame', () => {
    const spin = ['|', '/', '-', '\\'].map((c) => `\r${c} building`).join('');
    assert.equal(whole(`${spin}\r${ESC}[2K\rbuilt\n`), 'built\n');
  });

  it('erases within the line: K 0/1/2, X, and keeps the cursor where it was', () => {
    assert.equal(whole(`a${ESC}[2Kb\n`), ' b\n');
    assert.equal(whole(`abcdef${ESC}[3D${ESC}[K\n`), 'abc\n');
    assert.equal(whole(`abcdef${ESC}[3D${ESC}[1K\n`), '    ef\n');
    assert.equal(whole(`abcdef${ESC}[3D${ESC}[0K!\n`), 'abc!\n');
    assert.equal(whole(`abcdef\r${ESC}[2X\n`), '  cdef\n');
  });

  it('moves within the line: C, D, G, `, a; deletes and inserts cells: P, @', () => {
    assert.equal(whole(`ab${ESC}[3Cc\n`), 'ab   c\n');
    assert.equal(whole(`abcd${ESC}[2Dx\n`), 'abxd\n');
    assert.equal(whole(`abcd${ESC}[2Gx${ESC}[4\`y\n`), 'axcy\n');
    assert.equal(whole(`ab${ESC}[2ac\n`), 'ab  c\n');
    assert.equal(whole(`abcd\r${ESC}[2P\n`), 'cd\n');
    assert.equal(whole(`abcd\r${ESC}[2@\n`), '  abcd\n');
  });

  it('drops everything that would leave the line or change the screen', () => {
    const screen = [
      `${ESC}[5A`,
      `${ESC}[2B`,
      `${ESC}[10;20H`,
      `${ESC}[3;4f`,
      `${ESC}[2J`,
      `${ESC}[J`,
      `${ESC}[1;10r`,
      `${ESC}[s`,
      `${ESC}[u`,
      `${ESC}[?25l`,
      `${ESC}[?1049h`,
      `${ESC}[4h`,
      `${ESC}7`,
      `${ESC}8`,
      `${ESC}c`,
      `${ESC}M`,
      `${ESC}(B`,
      `${ESC})0`,
      `${ESC}#8`,
      `${ESC}]0;title${ESC}\\`,
      `${ESC}]2;title\x07`,
      `${ESC}P+q544e${ESC}\\`,
      `${ESC}_apc${ESC}\\`,
      `${ESC}^pm${ESC}\\`,
      `${ESC}Xsos${ESC}\\`,
      '\x07',
      '\x0e',
      '\x0f',
      '\x00',
      '\x7f',
      '\x1a',
      '\u009b2J',
      '\u009d0;t\u009c',
    ];
    for (const seq of screen) assert.equal(whole(`a${seq}b\n`), 'ab\n', JSON.stringify(seq));
  });

  it("keeps a hyperlink's text and drops its target", () => {
    assert.equal(whole(`see ${ESC}]8;;https://example.com${ESC}\\the docs${ESC}]8;;${ESC}\\ now\n`), 'see the docs now\n');
    assert.equal(whole(`${ESC}]8;;https://x\x07link${ESC}]8;;\x07\n`), 'link\n');
  });

  it('carries the active colour to the next line and closes each line with a reset', () => {
    assert.deepEqual(shown(whole(`${ESC}[31mred\nstill red\n${ESC}[0mplain\n`)), shown(`${ESC}[31mred${RESET}\n${ESC}[31mstill red${RESET}\nplain\n`));
    assert.equal(whole(`${ESC}[31mred\nx\n`), `${ESC}[31mred${RESET}\n${ESC}[31mx${RESET}\n`);
    // Across chunks, and on the emulated path too.
    assert.deepEqual(
      shown(play([`${ESC}[1;32mgo`, '\r\n', 'on\r', '\n', `${ESC}[mx\n`]).join('')),
      shown(`${ESC}[1;32mgo${RESET}\n${ESC}[1;32mon${RESET}\nx\n`),
    );
    assert.deepEqual(shown(whole(`${ESC}[33mab\rc\nd\n`)), shown(`${ESC}[33mcb${RESET}\n${ESC}[33md${RESET}\n`));
  });

  it("keeps each cell's style when text overwrites part of a line", () => {
    assert.equal(whole(`${ESC}[31mred${ESC}[0m\r${ESC}[32mg\n`), `${ESC}[32mg${ESC}[0;31med${RESET}\n`);
    // SGR-only output is kept as written; an emulated line is rebuilt from its cells' styles.
    assert.equal(whole(`${ESC}[38;5;208mo${ESC}[48;2;1;2;3mb${ESC}[0m\n`), `${ESC}[38;5;208mo${ESC}[48;2;1;2;3mb${ESC}[0m\n`);
    assert.equal(whole(`\r${ESC}[38;5;208mo${ESC}[48;2;1;2;3mb${ESC}[0m\n`), `${ESC}[38;5;208mo${ESC}[0;38;5;208;48;2;1;2;3mb${RESET}\n`);
  });

  it('drops colours with color: false', () => {
    assert.equal(whole(`${ESC}[31mred\r\n${ESC}[0mx\n`, { color: false }), 'red\nx\n');
    assert.equal(whole(`${ESC}[31mab\rc${ESC}[0m\n`, { color: false }), 'cb\n');
  });

  it('gives wide characters two cells', () => {
    assert.equal(whole('世界\rX\n'), 'X 界\n');
    assert.equal(whole('ab\r界\n'), '界\n');
    assert.equal(whole('😀x\r\x1b[2Cy\n'), '😀y\n');
    assert.equal(whole('e\u0301\rE\n'), 'E\n');
  });

  it('gives the same output whatever byte a sequence or a character is cut at', () => {
    assertSplitProof(`10%\r${ESC}[32m20%${ESC}[0m\r\nok\r\n`);
    assertSplitProof(`${ESC}]0;a title${ESC}\\x${ESC}[?25l${ESC}[2Ky\r\n`);
    assertSplitProof(`世界 😀 ${ESC}[1;31mé${ESC}[0m\b!\r\n`);
    assertSplitProof(`${ESC}[38;2;10;20;30mrgb${ESC}[m\r\nplain\r\n${ESC}]8;;u\x07t${ESC}]8;;\x07\n`);
  });

  it('caps a line like LineSplitter, and redraws with "\\r" do not grow it', () => {
    assert.deepEqual(play(['abcdefgh', 'ij\n'], { maxLineCells: 4 }), ['abcd\n', 'efgh\nij\n']);
    assert.deepEqual(play(['\rabcdefgh', 'ij\n'], { maxLineCells: 4 }), ['abcd\n', 'efgh\nij\n']);
    const redraws = Array.from({ length: 1000 }, (_, i) => `\r${i}`).join('');
    assert.deepEqual(play([redraws, '\n'], { maxLineCells: 8 }), ['999\n']);
    assert.equal(whole(`${ESC}[999999999Cx\n`, { maxLineCells: 8 }), '       x\n');
    assert.equal(whole(`ab${ESC}[999999999@\n`, { maxLineCells: 8 }), 'ab\n');
  });

  it('completes the last partial line at the end, and gives nothing for an empty one', () => {
    assert.deepEqual(play([`x\r\n${ESC}[32mpart`]), ['x\n', `${ESC}[32mpart${RESET}\n`]);
    assert.deepEqual(play(['a\n', `${ESC}[2K\r`]), ['a\n']);
    assert.deepEqual(play([Buffer.from([0x61, 0xe4, 0xb8])]), ['a\ufffd\n']);
  });

  it('survives unbounded sequences without holding the output forever', () => {
    const long = `${ESC}]0;${'t'.repeat(70_000)}after\n`;
    assert.ok(whole(long).endsWith('after\n'));
    assert.equal(whole(`${ESC}[${'1;'.repeat(100)}Aok\n`), 'ok\n');
  });
});

describe('terminalText', () => {
  it('cleans text that did not come through a terminal, with or without colours', () => {
    assert.equal(terminalText(`a\x1b[2Jb\r\nc\x1b[31m!\n`, true), `ab\nc\x1b[31m!${RESET}\n`);
    assert.equal(terminalText(`a\x1b[2Jb\r\nc\x1b[31m!\n`, false), 'ab\nc!\n');
  });
});

describe('displayText', () => {
  it('leaves plain text alone, closes coloured lines once, and cleans the rest', () => {
    const plain = 'a\tb\nc\n';
    assert.equal(displayText(plain, true), plain);
    assert.equal(displayText(`\x1b[31mred\n\x1b[32mgreen${RESET}\nx\n`, true), `\x1b[31mred${RESET}\n\x1b[32mgreen${RESET}\nx${RESET}\n`);
    assert.equal(displayText(`\x1b[31mred\n\x1b[32mgreen${RESET}\n`, false), 'red\ngreen\n');
    assert.equal(displayText(`\x1b[31mpart`, true), `\x1b[31mpart${RESET}`);
    assert.equal(displayText(`1\r2\x1b[5A\n`, true), '2\n');
  });
});
