// A frame of `procs top`: a heading and the ps table with usage; on a terminal, cut to its width
// and to its height (the next frame moves the cursor back up over every line it wrote).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usageOf } from '../../src/app/command.js';
import { frameLines } from '../../src/app/top.js';
import { ControlError, type ProjectStatus, type UnitRow, type UsageResult } from '../../src/control/api.js';

const row = (name: string): UnitRow => ({
  name,
  kind: 'process',
  pool: null,
  state: 'running',
  pid: 42,
  restarts: 0,
  started_at: new Date().toISOString(),
  exit: { code: null, signal: null },
  health: { readiness: null, liveness: null },
  reason: null,
});
const status = (n: number): ProjectStatus => ({
  project: 'shop',
  root: '/x',
  pid: 1,
  files: [],
  pools: [],
  units: Array.from({ length: n }, (_, i) => row(`u${i}`)),
});
const usage = (n: number): UsageResult => ({
  units: Array.from({ length: n }, (_, i) => ({ name: `u${i}`, cpu_percent: 1, rss_bytes: 1024, pss_bytes: 512 })),
  total: { cpu_percent: n, rss_bytes: 1024 * n, pss_bytes: 512 * n },
  window_ms: 1000,
});

describe('top frames', () => {
  it('without a terminal: the heading, then the whole table with its total', () => {
    const lines = frameLines(status(30), usage(30), 1000);
    assert.match(lines[0] ?? '', /^shop {2}\d\d:\d\d:\d\d {2}every 1s$/);
    assert.match(lines[1] ?? '', /^NAME\s+STATE\s+PID\s+CPU\s+MEM\s+PSS\s+RESTARTS/);
    assert.equal(lines.length, 1 + 1 + 30 + 1);
    assert.match(lines.at(-1) ?? '', /^TOTAL\s+30\.0%\s+30\.0 KiB\s+15\.0 KiB$/);
  });

  it('on a terminal: within its width and height, the total kept, what is left out said', () => {
    const lines = frameLines(status(30), usage(30), 500, { columns: 60, rows: 12 });
    assert.equal(lines.length, 11);
    assert.ok(lines.every((l) => l.length <= 60));
    assert.match(lines[0] ?? '', /every 500ms, Ctrl-C to stop/);
    assert.match(lines.at(-2) ?? '', /^… 23 more lines/);
    assert.match(lines.at(-1) ?? '', /^TOTAL/);
  });

  it('a project run by an older procs, which does not know the usage request: the table without usage', async () => {
    const old = { usage: () => Promise.reject(new ControlError('bad-request', 'no such request: GET /v1/usage')) };
    assert.equal(await usageOf(old), undefined);
    const down = { usage: () => Promise.reject(new ControlError('not-running', 'no procs project is running')) };
    await assert.rejects(usageOf(down), /no procs project is running/);
    const lines = frameLines(status(1), undefined, 1000);
    assert.match(lines[1] ?? '', /^NAME\s+STATE\s+PID\s+RESTARTS/);
    assert.equal(lines.length, 3);
  });
});
