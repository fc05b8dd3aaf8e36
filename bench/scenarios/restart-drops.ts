// Scenario 9, restart drops: an unmodified Node HTTP server (bench/workloads/http-server.mjs) on
// PORT, restarted 20 times by a change of one watched file, while a load loop in its own process
// sends ~500 requests a second, each on a fresh connection. Counts the requests answered, refused
// and failed otherwise under procs with `listen:` (procs holds the socket across restarts), procs
// with a plain `port:`, nodemon and PM2 (fork mode, watch).
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO, WORKLOADS } from '../lib/paths.js';
import { allProcs, cmdline, descendantsOf, signal, TOKEN_VAR } from '../lib/procfs.js';
import { type Sample, type ScenarioOptions, type Section, table } from '../lib/report.js';
import { type Contestant, contestants } from '../lib/restart-tools.js';
import type { LoadCounts } from '../lib/http-load.js';
import { withRun } from '../lib/run.js';
import { median, ms } from '../lib/stats.js';

export const RESTARTS = 20;
const RATE = 500;
const DEBOUNCE_MS = 100;
/** Quiet time after a restarted server answers, before the next change. */
const STEADY_MS = 700;
const WATCHED = 'trigger.txt';
const SERVER = join(WORKLOADS, 'http-server.mjs');
const LOAD = join(REPO, 'dist/bench/lib/http-load.js');

export interface Drops {
  readonly counts: LoadCounts;
  /** Server processes that appeared after the first one. */
  readonly restarts: number;
  /** Changes after which no new server process came within 10 s. */
  readonly missed: number;
  /** Per change: the write to the new server process seen (ms). */
  readonly toNewPid: number[];
  /** Per change: first to last failed request sent in its window, plus one interval (0: none failed). */
  readonly failedSpan: number[];
}

/** What became of one contestant: its figures, or why there are none. */
export type Outcome = { readonly drops: Drops } | { readonly unavailable: string } | { readonly failed: string };

const epochNow = (): number => performance.timeOrigin + performance.now();

// A port nothing listens on now: bind port 0 on 127.0.0.1 and let it go.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

// Whether GET / answers 200 within 1 s.
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

// Polls until the server answers, for at most `limitMs`, or until `alive` says to give up.
async function untilAnswers(port: number, limitMs: number, alive: () => boolean): Promise<boolean> {
  const end = performance.now() + limitMs;
  while (performance.now() < end && alive()) {
    if (await answers(port)) return true;
    await sleep(50);
  }
  return false;
}

// Node options that take the next argument as their value.
const VALUED = new Set(['-r', '--require', '--import', '--loader']);

// Whether a command line is `node [options] SERVER`: not a tool whose arguments name the server
// (nodemon), nor a shell starting it.
function runsServer(argv: readonly string[]): boolean {
  const at = argv.indexOf(SERVER);
  if (at < 1 || basename(argv[0] ?? '') !== 'node') return false;
  for (let i = 1; i < at; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-')) return false;
    if (VALUED.has(arg)) i++;
  }
  return true;
}

// The server processes under the tool (the harness's paths hold no spaces).
function serverPids(root: number): number[] {
  return descendantsOf(root, allProcs())
    .map((p) => p.pid)
    .filter((pid) => runsServer(cmdline(pid).split(' ')));
}

// Stops the load loop (its stdin ends) and reads its counts.
async function loadCounts(load: ChildProcess): Promise<LoadCounts | undefined> {
  let out = '';
  load.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const ended = new Promise<void>((resolve) => load.once('exit', () => resolve()));
  load.stdin?.end();
  await Promise.race([ended, sleep(10_000)]);
  try {
    return JSON.parse(out) as LoadCounts;
  } catch {
    return undefined;
  }
}

/** Runs one contestant through `restarts` changes of the watched file. */
export async function measure(c: Contestant, restarts: number, log: (text: string) => void): Promise<Outcome> {
  return withRun(`drops-${c.name}`, async (ctx): Promise<Outcome> => {
    const why = c.unavailable(ctx.dir);
    if (why !== undefined) return { unavailable: why };
    const port = await freePort();
    writeFileSync(join(ctx.dir, WATCHED), 'start\n');
    const run = c.launch({ dir: ctx.dir, token: ctx.token, server: SERVER, port, watched: WATCHED, debounceMs: DEBOUNCE_MS });
    const root = run.child.pid ?? -1;
    let exited = false;
    void run.exited.then(() => (exited = true));
    let load: ChildProcess | undefined;
    let poll: NodeJS.Timeout | undefined;
    try {
      if (!(await untilAnswers(port, 20_000, () => !exited))) return { failed: `did not answer on ${String(port)}: ${run.chatter().slice(-300)}` };
      // The watcher's first scan, then the load, steady before the first change.
      await sleep(1500);
      const seen = new Set(serverPids(root));
      const first = seen.size;
      let appeared: number[] = [];
      poll = setInterval(() => {
        for (const pid of serverPids(root)) {
          if (seen.has(pid)) continue;
          seen.add(pid);
          appeared.push(performance.now());
        }
      }, 20);
      load = spawn(process.execPath, [LOAD, String(port), String(RATE)], {
        cwd: ctx.dir,
        env: { ...process.env, [TOKEN_VAR]: ctx.token },
        stdio: ['pipe', 'pipe', 'ignore'],
      });
      await sleep(1000);
      const toNewPid: number[] = [];
      const windows: [number, number][] = [];
      let missed = 0;
      for (let i = 0; i < restarts && missed < 3 && !exited; i++) {
        appeared = [];
        const t0 = performance.now();
        const from = epochNow();
        writeFileSync(join(ctx.dir, WATCHED), `change ${String(i)}\n`);
        while (appeared.length === 0 && performance.now() - t0 < 10_000 && !exited) await sleep(10);
        const at = appeared[0];
        if (at === undefined) {
          missed++;
          continue;
        }
        toNewPid.push(at - t0);
        await untilAnswers(port, 10_000, () => !exited);
        await sleep(STEADY_MS);
        windows.push([from, epochNow()]);
      }
      clearInterval(poll);
      const restartsSeen = seen.size - first;
      const counts = await loadCounts(load);
      if (counts === undefined) return { failed: 'the load loop gave no counts' };
      const failedSpan = windows.map(([a, b]) => {
        const inside = counts.failedAt.filter((t) => t >= a && t < b);
        return inside.length === 0 ? 0 : Math.max(...inside) - Math.min(...inside) + 1000 / RATE;
      });
      log(`restart-drops ${c.name}: ${JSON.stringify({ ...counts, failedAt: counts.failedAt.length, restarts: restartsSeen, missed })}`);
      return { drops: { counts, restarts: restartsSeen, missed, toNewPid, failedSpan } };
    } finally {
      clearInterval(poll);
      if (load?.pid !== undefined && load.exitCode === null) signal(load.pid, 'SIGKILL');
      run.stop();
      await Promise.race([run.exited, sleep(5000)]);
      // Whatever the tool left (its group, its descendants) goes before the run's token sweep.
      if (root > 0) {
        for (const p of descendantsOf(root)) signal(p.pid, 'SIGKILL');
        signal(-root, 'SIGKILL');
      }
    }
  });
}

const n = (x: number): string => x.toLocaleString('en-US');

/** The rows, notes, verdict and samples from each contestant's outcome. */
export function dropsSection(results: readonly (readonly [Contestant, Outcome])[], restarts: number, lead: string): Section {
  const rows = results.map(([c, r]) => {
    if ('unavailable' in r) return [c.name, 'not available', '', '', '', '', '', ''];
    if ('failed' in r) return [c.name, `did not run: ${r.failed.replaceAll('|', '/').replaceAll('\n', ' ')}`, '', '', '', '', '', ''];
    const k = r.drops.counts;
    const otherwise = k.reset + k.timeout + k.other;
    const codes = Object.entries(k.otherCodes).map(([code, count]) => `${code} ${String(count)}`);
    const detail = `${n(otherwise)} (reset ${n(k.reset)}, timeout ${n(k.timeout)}, other ${n(k.other)}${codes.length > 0 ? `: ${codes.join(', ')}` : ''})`;
    const seen = `${String(r.drops.restarts)} / ${String(restarts)}${r.drops.missed > 0 ? ` (${String(r.drops.missed)} missed)` : ''}`;
    return [c.name, n(k.sent), n(k.ok), n(k.refused), detail, seen, ms(median(r.drops.toNewPid)), ms(median(r.drops.failedSpan))];
  });
  const mine = results.find(([c]) => c.name === `${lead} with listen`)?.[1];
  let line: string;
  if (mine === undefined) line = `${lead} with listen: not measured`;
  else if ('unavailable' in mine) line = `${lead} with listen: not available — ${mine.unavailable}`;
  else if ('failed' in mine) line = `${lead} with listen: zero failed requests — FAIL (did not run)`;
  else {
    const k = mine.drops.counts;
    const bad = k.sent - k.ok;
    const pass = bad === 0 && mine.drops.restarts >= restarts && k.sent > 0;
    line = `${lead} with listen: zero failed requests — ${pass ? 'PASS' : 'FAIL'} (${n(bad)} of ${n(k.sent)} failed, ${String(mine.drops.restarts)} of ${String(restarts)} restarts seen)`;
  }
  const body = [
    table(
      [
        'contestant',
        'requests sent',
        'ok',
        'refused',
        'failed otherwise',
        'restarts seen',
        'change → new server pid (median)',
        'failed span per restart (median)',
      ],
      rows,
    ),
    '',
    `An unmodified Node HTTP server (\`bench/workloads/http-server.mjs\`, no signal handlers) on a free port; a load`,
    `loop in its own process sends ${String(RATE)} requests a second to 127.0.0.1, each on a fresh connection (no agent,`,
    '`Connection: close`, 2 s timeout). One watched file is written',
    `${String(restarts)} times; after each write the harness waits for a new server process, for it to answer and ${String(STEADY_MS)} ms more.`,
    `Debounce ${String(DEBOUNCE_MS)} ms everywhere (procs \`debounce\`, nodemon \`--delay\`, PM2 \`watch_delay\`). procs with listen:`,
    '`listen: { address: 127.0.0.1:PORT, adopt: node }`; with port: `port: PORT`. PM2: `pm2-runtime`, fork mode,',
    '`watch: [FILE]`. A failed span is the time from the first to the last failed request sent after one write, plus',
    'one interval between requests (0 when none failed).',
    '',
    `**${line}**`,
  ].join('\n');
  const samples: Sample[] = results.flatMap(([c, r]) =>
    'drops' in r
      ? [
          { metric: 'restart drops: requests not ok', tool: c.name, values: [r.drops.counts.sent - r.drops.counts.ok], better: 'lower' as const },
          { metric: 'restart drops: failed span per restart (ms)', tool: c.name, values: r.drops.failedSpan, better: 'lower' as const },
        ]
      : [],
  );
  return { title: '9. Restart drops', body, targets: [line], samples };
}

export async function restartDrops(o: ScenarioOptions): Promise<Section> {
  const results: [Contestant, Outcome][] = [];
  for (const c of contestants(o.tools)) {
    const r = await measure(c, RESTARTS, o.log);
    if (!('drops' in r)) o.log(`restart-drops ${c.name}: ${'unavailable' in r ? r.unavailable : r.failed}`);
    results.push([c, r]);
  }
  return dropsSection(results, RESTARTS, o.tools[0]?.name ?? 'procs');
}
