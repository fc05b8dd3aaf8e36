// `npm run bench -- --compare REV`: procs as built at another commit, side by side with this tree.
// REV is built once in a git worktree under bench/tmp/compare/ (npm ci, npm run build); both
// trees are driven through their command line (dist/bin/procs.js), so their layouts may differ.
// The result is a markdown table of medians, the ratio new/old and the noise band.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, TMP } from './paths.js';
import { type Sample, table } from './report.js';
import { median } from './stats.js';

/** A built checkout of another commit. */
export interface Checkout {
  readonly dir: string;
  /** The abbreviated commit. */
  readonly rev: string;
  /** Removes the worktree (when it was made for this run). */
  remove(): void;
}

function run(cmd: string, args: readonly string[], cwd: string, log: (text: string) => void): void {
  log(`${cwd}: ${cmd} ${args.join(' ')}`);
  // Their output goes to stderr with the progress: stdout is for the table.
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 2, 2], timeout: 900_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} in ${cwd} failed (status ${String(r.status)}${r.error ? `, ${r.error.message}` : ''})`);
}

/**
 * The checkout to compare with: a folder holding a built procs as it is, or a git revision built
 * in a worktree under bench/tmp/compare/. `keep` leaves that worktree for the next run (which
 * then skips the build).
 */
export function checkoutOf(what: string, keep: boolean, log: (text: string) => void): Checkout {
  if (existsSync(what)) return { dir: what, rev: what, remove: () => undefined };
  const parsed = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${what}^{commit}`], { cwd: REPO, encoding: 'utf8' });
  const sha = parsed.stdout.trim();
  if (parsed.status !== 0 || sha === '') throw new Error(`--compare ${what}: neither a folder nor a commit of this repository`);
  const rev = sha.slice(0, 10);
  const dir = join(TMP, 'compare', rev);
  const built = join(dir, '.bench-built');
  if (!existsSync(built)) {
    mkdirSync(join(TMP, 'compare'), { recursive: true });
    if (existsSync(dir)) {
      spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: REPO });
      rmSync(dir, { recursive: true, force: true });
      spawnSync('git', ['worktree', 'prune'], { cwd: REPO });
    }
    run('git', ['worktree', 'add', '--detach', dir, sha], REPO, log);
    run('npm', ['ci', '--no-audit', '--no-fund'], dir, log);
    run('npm', ['run', 'build'], dir, log);
    writeFileSync(built, `${sha}\n`);
  } else {
    log(`reusing ${dir} (built earlier; rm -rf it and run git worktree prune to rebuild)`);
  }
  // A tree whose spawner did not build starts its units through child_process: another program.
  if (existsSync(join(dir, 'native/spawner.c')) && !existsSync(join(dir, 'dist/bin/procs-spawner'))) {
    throw new Error(`--compare ${what}: ${dir} has no dist/bin/procs-spawner (its build could not compile it); run node scripts/native.mjs there`);
  }
  return {
    dir,
    rev,
    remove: () => {
      if (keep) return log(`kept ${dir} for the next --compare ${what}`);
      spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: REPO });
      rmSync(dir, { recursive: true, force: true });
      spawnSync('git', ['worktree', 'prune'], { cwd: REPO });
    },
  };
}

// The q-quantile of sorted values, interpolated.
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (at - lo);
}

/** The least noise band: differences this small are below what a shared machine can show. */
const MIN_BAND = 0.03;

/** The spread of a tree's own runs: the interquartile range over the median (0.1 = ±10 %). */
export function relativeSpread(values: readonly number[]): number | undefined {
  if (values.length < 3) return undefined;
  const s = [...values].sort((x, y) => x - y);
  const m = median(s);
  if (m === 0) return undefined;
  return (quantile(s, 0.75) - quantile(s, 0.25)) / Math.abs(m);
}

/**
 * The two-sided p-value of the Mann–Whitney U test (normal approximation with continuity
 * correction, ties counted half): how likely runs this far apart are when both trees are alike.
 * With 4 runs each, only a complete separation gets below 0.05.
 */
export function mannWhitneyP(a: readonly number[], b: readonly number[]): number | undefined {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 < 3 || n2 < 3) return undefined;
  let u = 0;
  for (const x of a) for (const y of b) u += x < y ? 1 : x === y ? 0.5 : 0;
  const mean = (n1 * n2) / 2;
  const sd = Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  if (sd === 0) return 1;
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / sd;
  return Math.min(1, 2 * (1 - normalCdf(z)));
}

// The standard normal distribution function (Abramowitz and Stegun 26.2.17, error below 1e-7).
function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989422804014327 * Math.exp((-z * z) / 2);
  const p = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? 1 - p : p;
}

// A median for the table: whole above 100, else three significant digits (idle CPU is ~0.001 %).
const figure = (x: number): string => (Number.isNaN(x) ? '–' : Math.abs(x) >= 100 ? String(Math.round(x)) : x === 0 ? '0' : String(Number(x.toPrecision(3))));

/**
 * The side-by-side table: per metric, each tree's median and runs, new ÷ old, the noise band
 * (the mean of both trees' interquartile range over median, at least ±3 %) and whether the new tree is slower,
 * faster or within the noise. Slower or faster needs both: a ratio outside the band and runs
 * apart (Mann–Whitney p < 0.05); on a shared machine either alone misleads.
 */
export function compareTable(samples: readonly Sample[], oldTool: string, newTool: string, oldLabel: string): string {
  const metrics = [...new Set(samples.map((s) => s.metric))];
  const rows = metrics.flatMap((metric) => {
    const of = (tool: string): Sample | undefined => samples.find((s) => s.metric === metric && s.tool === tool);
    const o = of(oldTool);
    const n = of(newTool);
    if (o === undefined || n === undefined) return [];
    const mo = median(o.values);
    const mn = median(n.values);
    const so = relativeSpread(o.values);
    const sn = relativeSpread(n.values);
    const band = so === undefined || sn === undefined ? undefined : Math.max(MIN_BAND, (so + sn) / 2);
    const p = mannWhitneyP(o.values, n.values);
    let ratio = '–';
    let verdict: string;
    if (mo === mn) verdict = 'same';
    else if (mo === 0 || Number.isNaN(mo) || Number.isNaN(mn)) verdict = 'differs';
    else {
      const r = mn / mo;
      ratio = `${r.toFixed(2)}×`;
      // How much worse the new tree is (above 0) or better (below 0), as a fraction.
      const worse = n.better === 'lower' ? r - 1 : 1 / r - 1;
      if (band === undefined) verdict = 'too few runs to tell';
      else if (Math.abs(worse) <= band || p === undefined || p >= 0.05) verdict = 'within noise';
      else verdict = worse > 0 ? '**slower**' : 'faster';
    }
    const shownP = p === undefined ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3);
    const shownBand = band === undefined ? '–' : `±${(band * 100).toFixed(0)} %`;
    return [[metric, figure(mo), figure(mn), ratio, shownBand, shownP, verdict, `${o.values.length} / ${n.values.length}`]];
  });
  return table(['metric', `old (${oldLabel})`, 'new (this tree)', 'new ÷ old', 'noise band', 'p (Mann–Whitney)', 'verdict', 'runs old / new'], rows);
}
