// Attach sessions leave nothing behind in the daemon: 4 clients attach at once (two to a
// `tty: true` unit, two to a `stdin: true` one), type to it, resize, and detach, 1,000 times (PROCS_FAULTS_ATTACH_ROUNDS); the daemon's open descriptors
// are the same at the end as before, and its resident memory is on a plateau over the last half:
// the slope of a line fitted through its samples stays under 4 MB per 1,000 rounds (1 KB a
// session). Over so few rounds resident memory wanders by a MB or so as V8 sizes its heap (slopes
// up to 2.6 MB per 1,000 rounds on a plateau); a client kept after it detached made it 12 MB. The
// measured rounds come after 1,500 rounds of warm-up: V8 grows the daemon's heap to its working
// size over the first ~1,200 (RSS from 72 to 92 MB, then flat at ±0.5 MB over 6,000 rounds).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { AttachNotice } from '../../src/control/api.js';
import { ControlClient } from '../../src/control/client.js';
import { projectPaths, recordedSocketPath } from '../../src/rundir/paths.js';
import { taggedProcesses } from '../helpers/cli.js';
import { tempProject, type Proj } from '../control/helpers.js';
import { faults, figure, slope, tunable } from './support.js';

const ROUNDS = tunable('PROCS_FAULTS_ATTACH_ROUNDS', 1000);
const CLIENTS = 4;
const WARMUP = tunable('PROCS_FAULTS_ATTACH_WARMUP', 1500);
const SAMPLES = 20;
const MAX_SLOPE_KB = tunable('PROCS_FAULTS_ATTACH_SLOPE_KB', 4096);

const fdsOf = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
const rssKbOf = (pid: number): number => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** Resolves once `cond` holds, polling; false after `ms`. */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

faults('attach sessions', () => {
  const projects: Proj[] = [];
  after(async () => {
    for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
  });

  it(`keeps the daemon's descriptors and memory flat over ${ROUNDS} rounds of ${CLIENTS} attach sessions`, async (t) => {
    const p = tempProject({
      'procs.yaml': `version: 1
processes:
  repl:
    command: ["/bin/sh", "-c", "while read line; do echo \\"got $line\\"; done"]
    stdin: true
  term:
    command: ["/bin/sh", "-c", "while true; do echo tick; sleep 0.05; done"]
    tty: true
`,
    });
    projects.push(p);
    // A capped heap makes RSS show what is live (see leaks.test.ts).
    const up = await p.run(['up', '-d'], { NODE_OPTIONS: '--max-old-space-size=48 --max-semi-space-size=8' });
    assert.equal(up.code, 0, up.stderr);
    const daemon = Number(readFileSync(join(p.dir, '.procs/procs.pid'), 'utf8'));
    const client = new ControlClient(recordedSocketPath(projectPaths(p.dir)), p.dir);
    const session = async (unit: string, i: number): Promise<void> => {
      const seen: AttachNotice[] = [];
      const s = client.attach(unit, { output: () => undefined, notice: (n) => void seen.push(n) }, { cols: 80 + (i % 40), rows: 24 });
      await s.ready;
      s.write(Buffer.from(`line ${i}\n`));
      s.resize({ cols: 100, rows: 30 + (i % 10) });
      s.close();
      await s.ended;
    };
    const round = (n: number): Promise<unknown> =>
      Promise.all(Array.from({ length: CLIENTS }, (_, c) => session(c % 2 === 0 ? 'repl' : 'term', n * CLIENTS + c)));
    const rssStart = rssKbOf(daemon);
    for (let n = 0; n < WARMUP; n++) await round(n);
    const rssWarm = rssKbOf(daemon);
    const fdsBefore = fdsOf(daemon);
    const samples: { round: number; rssKb: number; fds: number }[] = [];
    const t0 = Date.now();
    for (let n = 1; n <= ROUNDS; n++) {
      await round(n);
      if (n % (ROUNDS / SAMPLES) === 0) samples.push({ round: n, rssKb: rssKbOf(daemon), fds: fdsOf(daemon) });
    }
    const seconds = (Date.now() - t0) / 1000;
    // The last connections close on the daemon's side a moment after the client's.
    const settled = await until(() => fdsOf(daemon) <= fdsBefore, 5000);
    const fdsAfter = fdsOf(daemon);
    const lastHalf = samples.slice(SAMPLES / 2);
    const kbPer1000 = slope(lastHalf.map((s) => [s.round / 1000, s.rssKb]));
    const mb = (kb: number): string => (kb / 1024).toFixed(1);
    figure(t, 'attach sessions', `${ROUNDS * CLIENTS} (${ROUNDS} rounds of ${CLIENTS}) in ${seconds.toFixed(0)} s`);
    figure(t, 'daemon RSS (MB) before and after the warm-up', `${mb(rssStart)} → ${mb(rssWarm)} over ${WARMUP} rounds`);
    figure(t, `daemon RSS (MB) every ${ROUNDS / SAMPLES} rounds`, samples.map((s) => mb(s.rssKb)).join(' '));
    figure(t, 'daemon open fds', `${fdsBefore} before, ${samples.map((s) => s.fds).join(' ')}, ${fdsAfter} after`);
    figure(t, 'RSS slope over the last half', `${kbPer1000.toFixed(0)} KB per 1,000 rounds (limit ${MAX_SLOPE_KB})`);
    assert.ok(settled, `descriptors grew: ${fdsBefore} → ${fdsAfter}`);
    assert.ok(kbPer1000 < MAX_SLOPE_KB, `memory still grows over the last half: ${kbPer1000.toFixed(0)} KB per 1,000 rounds`);
    const down = await p.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(taggedProcesses(p.tag), []);
  });
});
