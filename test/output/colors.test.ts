import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColorAssigner, PALETTE, colorEnabled, colorKey } from '../../src/output/colors.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

void test('colour follows the terminal by default', () => {
  assert.equal(colorEnabled({ stream: tty, env: {} }), true);
  assert.equal(colorEnabled({ stream: pipe, env: {} }), false);
  assert.equal(colorEnabled({ stream: {}, env: {} }), false);
});

void test('NO_COLOR (non-empty) and --no-color turn it off', () => {
  assert.equal(colorEnabled({ stream: tty, env: { NO_COLOR: '1' } }), false);
  assert.equal(colorEnabled({ stream: tty, env: { NO_COLOR: '' } }), true);
  assert.equal(colorEnabled({ stream: tty, env: {}, noColorFlag: true }), false);
  assert.equal(colorEnabled({ stream: tty, env: { TERM: 'dumb' } }), false);
});

void test('FORCE_COLOR forces it on without a terminal, 0/false force it off', () => {
  for (const v of ['1', '2', '3', 'true']) assert.equal(colorEnabled({ stream: pipe, env: { FORCE_COLOR: v } }), true, v);
  for (const v of ['0', 'false']) assert.equal(colorEnabled({ stream: tty, env: { FORCE_COLOR: v } }), false, v);
  assert.equal(colorEnabled({ stream: pipe, env: { FORCE_COLOR: 'yes' } }), false);
  assert.equal(colorEnabled({ stream: pipe, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }), true);
  assert.equal(colorEnabled({ stream: pipe, env: { FORCE_COLOR: '1' }, noColorFlag: true }), false);
});

void test('colours are stable by unit order and shared by a pool', () => {
  const colors = new ColorAssigner(['db', 'worker.0', 'worker.1', 'api']);
  assert.equal(colors.colorOf('db'), PALETTE[0]);
  assert.equal(colors.colorOf('worker.0'), PALETTE[1]);
  assert.equal(colors.colorOf('worker.1'), PALETTE[1]);
  assert.equal(colors.colorOf('worker.7'), PALETTE[1]);
  assert.equal(colors.colorOf('api'), PALETTE[2]);
  assert.equal(colors.colorOf('late'), PALETTE[3]);
  assert.equal(colorKey('worker.3'), 'worker');
  assert.ok(!PALETTE.includes('\x1b[31m'), 'red is kept for errors');
});
