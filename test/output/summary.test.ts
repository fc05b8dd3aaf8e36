import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endedCleanly, summaryLines } from '../../src/output/summary.js';
import { stripAnsi } from './support.js';

const exit1 = { code: 1, signal: null, status: 1, durationMs: 10 };

void test('one line per unit that did not end cleanly, names padded', () => {
  const lines = summaryLines(
    [
      { name: 'api', state: 'failed', exit: exit1, restarts: 5 },
      { name: 'db', state: 'stopped', forced: true, exit: { ...exit1, code: null, signal: 'SIGKILL', status: 137 } },
      { name: 'migrate', state: 'completed', exit: { ...exit1, code: 0, status: 0 } },
      { name: 'web', state: 'skipped', reason: 'dependency db failed' },
      { name: 'cache', state: 'stopped', exit: exit1 },
      { name: 'foo', state: 'failed', exit: { ...exit1, code: null, status: 127, error: 'command not found: foo' }, restarts: 0 },
      { name: 'seg', state: 'failed', exit: { ...exit1, code: null, signal: 'SIGSEGV', status: 139 }, restarts: 1 },
      { name: 'db2', state: 'stopped', forced: true, atOnce: true },
    ],
    { facts: (u) => (u === 'db' ? { stopTimeoutMs: 10_000 } : undefined) },
  );
  assert.deepEqual(lines, [
    'api  failed: exited with code 1 after 5 restarts',
    'db   killed with SIGKILL after its stop timeout (10s)',
    'web  skipped: dependency db failed',
    'foo  failed: command not found: foo',
    'seg  failed: exited with signal SIGSEGV (139) after 1 restart',
    'db2  killed with SIGKILL: asked again to stop',
  ]);
});

void test('nothing to say when everything ended cleanly; colour only when asked', () => {
  assert.deepEqual(
    summaryLines([
      { name: 'a', state: 'completed' },
      { name: 'b', state: 'stopped' },
    ]),
    [],
  );
  assert.equal(endedCleanly({ name: 'a', state: 'failed' }), false);
  const coloured = summaryLines([{ name: 'a', state: 'failed', reason: 'liveness probe failed' }], { color: true }).join('\n');
  assert.ok(coloured.includes('\x1b['));
  assert.equal(stripAnsi(coloured), 'a  failed: liveness probe failed');
});
