// The startup history across runs (`.procs/startup.json`): written once a run's startup has
// settled, bounded per unit, units gone from the spec dropped; a unit much slower than its
// median is flagged by `procs why --startup` and under the `up` summary line on a terminal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAIN } from '../helpers/cli.js';
import { tempProject, type Proj } from '../control/helpers.js';

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

// Both end by themselves, so `up` exits once they have: api is ready ~0.3s after setup completed.
const SPEC = `version: 1
processes:
  setup:
    command: ["/bin/sh", "-c", "sleep 0.2; echo set up"]
    restart: never
  api:
    command: ["/bin/sh", "-c", "sleep 0.3; echo api up; sleep 1"]
    depends_on: { setup: completed }
    health: { readiness: { log: "api up" } }
    restart: never
`;

interface History {
  version: 1;
  units: Record<string, { at: string; ms: number }[]>;
}

/**
 * A history in which api always came up in 1ms (3 runs), setup in 2s (12 runs: far above its
 * real time, so a loaded machine never makes it slow), and a unit since removed.
 */
function seed(dir: string): void {
  mkdirSync(join(dir, '.procs'), { recursive: true, mode: 0o700 });
  const runs = (n: number, ms: number) => Array.from({ length: n }, (_, i) => ({ at: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, ms }));
  const h: History = { version: 1, units: { api: runs(3, 1), setup: runs(12, 2000), gone: runs(3, 5) } };
  writeFileSync(join(dir, '.procs/startup.json'), JSON.stringify(h));
}

const readHistory = (dir: string): History => JSON.parse(readFileSync(join(dir, '.procs/startup.json'), 'utf8')) as History;

/** Runs `procs up` under a pseudo-terminal until it exits by itself; returns what the terminal got. */
function upUnderTerminal(p: Proj): Promise<string> {
  const cmd = `stty cols 160 rows 40; ${JSON.stringify(process.execPath)} ${JSON.stringify(MAIN)} up`;
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
    cwd: p.dir,
    env: { ...process.env, PROCS_TEST_TAG: p.tag, COLUMNS: '160', LINES: '40' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  return new Promise((resolve) => child.on('close', () => resolve(out.replace(ANSI, ''))));
}

describe('startup history', () => {
  it('records each run, bounded, and flags a unit much slower than its median', async () => {
    const p = tempProject({ 'procs.yaml': SPEC });
    projects.push(p);
    seed(p.dir);
    const run = await p.run(['run', '--', 'true']);
    assert.equal(run.code, 0, run.stderr);
    const h = readHistory(p.dir);
    assert.deepEqual(Object.keys(h.units).sort(), ['api', 'setup']);
    assert.equal(h.units.setup!.length, 10);
    assert.equal(h.units.api!.length, 4);
    // api sleeps 0.3s before its line; timed from its spawn event, a moment after it began.
    assert.ok(h.units.api![3]!.ms >= 250, JSON.stringify(h));
    const why = await p.run(['why', '--startup']);
    assert.match(why.stdout, /^slow: api ready in [\d.]+m?s, \d+ % slower than its median 1ms \(last 3 starts\)$/m);
    assert.doesNotMatch(why.stdout, /slow: setup/);
  });

  it('ends the startup view on a terminal with the summary line and the slow units', async () => {
    const p = tempProject({ 'procs.yaml': SPEC });
    projects.push(p);
    seed(p.dir);
    const screen = await upUnderTerminal(p);
    assert.match(screen, /^all 2 units up in [\d.]+m?s · critical chain: setup [\d.]+m?s → api [\d.]+m?s\r?$/m);
    assert.match(screen, /^ {2}slow: api ready in [\d.]+m?s, \d+ % slower than its median 1ms \(last 3 starts\)\r?$/m);
    assert.equal(readHistory(p.dir).units.api!.length, 4);
  });
});
