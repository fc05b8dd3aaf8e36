import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeSignal, parseDuration, parseSize } from '../../src/config/durations.js';

test('durations: units, compounds and plain seconds', () => {
  assert.equal(parseDuration('150ms'), 150);
  assert.equal(parseDuration('2s'), 2000);
  assert.equal(parseDuration('1m'), 60_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('0.5s'), 500);
  assert.equal(parseDuration(3), 3000);
  assert.equal(parseDuration(0.25), 250);
});

test('durations: malformed ones are undefined', () => {
  for (const bad of ['2 s', '2', 's', '2d', '-1s', '']) assert.equal(parseDuration(bad), undefined, bad);
  assert.equal(parseDuration(-1), undefined);
});

test('sizes: KB is 1024 bytes; plain numbers are bytes', () => {
  assert.equal(parseSize('512KB'), 512 * 1024);
  assert.equal(parseSize('10MB'), 10 * 1024 * 1024);
  assert.equal(parseSize('1GB'), 1024 ** 3);
  assert.equal(parseSize('100B'), 100);
  assert.equal(parseSize(4096), 4096);
  assert.equal(parseSize('10 MB'), undefined);
  assert.equal(parseSize(1.5), undefined);
});

test('signals: TERM and SIGTERM are both SIGTERM; unknown names are undefined', () => {
  assert.equal(normalizeSignal('TERM'), 'SIGTERM');
  assert.equal(normalizeSignal('SIGTERM'), 'SIGTERM');
  assert.equal(normalizeSignal('SIGINT'), 'SIGINT');
  assert.equal(normalizeSignal('SIGTREM'), undefined);
});
