// What the benchmarks read from /proc: the processes a run started (found by a token in their
// environment, which every descendant inherits, daemons included), their CPU time and memory,
// and killing all of them.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The variable that marks every process a benchmark run started. */
export const TOKEN_VAR = 'PROCS_BENCH_RUN';

/** One process, the fields the benchmarks use. */
export interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly state: string;
  /** utime + stime, in clock ticks. */
  readonly cpuTicks: number;
  readonly comm: string;
}

// Parses /proc/PID/stat (the command name may hold spaces: cut at the last `)`).
function readStat(pid: number): Proc | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const f = text.slice(close + 2).split(' ');
    return {
      pid,
      comm: text.slice(open + 1, close),
      state: f[0] ?? '?',
      ppid: Number(f[1]),
      pgid: Number(f[2]),
      cpuTicks: Number(f[11]) + Number(f[12]),
    };
  } catch {
    return undefined;
  }
}

/** Every live (non-zombie) process on the machine. */
export function allProcs(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const p = readStat(Number(name));
    if (p !== undefined && p.state !== 'Z' && p.state !== 'X') out.push(p);
  }
  return out;
}

// Whether a process's initial environment holds `VAR=token`.
function hasToken(pid: number, token: string): boolean {
  try {
    return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(`\0${TOKEN_VAR}=${token}\0`);
  } catch {
    return false;
  }
}

/** The live processes started under `token` (the harness itself never carries it). */
export function tokenProcs(token: string): Proc[] {
  return allProcs().filter((p) => p.pid !== process.pid && hasToken(p.pid, token));
}

/** The command line of a process, arguments joined by spaces ('' when gone). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Resident and proportional set sizes of a process in KiB (0 when gone). */
export function memoryKiB(pid: number): { rss: number; pss: number } {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rss: field('Rss'), pss: field('Pss') };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

/** Descendants of `root` (not itself), through the parent chain, from one snapshot. */
export function descendantsOf(root: number, procs: readonly Proc[] = allProcs()): Proc[] {
  const kids = new Map<number, Proc[]>();
  for (const p of procs) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p]);
  const out: Proc[] = [];
  const queue = [root];
  for (let i = 0; i < queue.length && i < 100_000; i++) {
    for (const k of kids.get(queue[i] ?? -1) ?? []) {
      out.push(k);
      queue.push(k.pid);
    }
  }
  return out;
}

// Sends a signal, ignoring processes already gone.
export function signal(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch {
    // gone already
  }
}

/**
 * SIGKILLs every process carrying `token` (and each one's group) until none is left, for at most
 * `limitMs`. Gives how many were still there at the first look.
 */
export async function killToken(token: string, limitMs = 5000): Promise<number> {
  const deadline = performance.now() + limitMs;
  let first: number | undefined;
  for (let round = 0; round < 500; round++) {
    const left = tokenProcs(token);
    first ??= left.length;
    if (left.length === 0 || performance.now() > deadline) return first;
    for (const p of left) signal(p.pid, 'SIGKILL');
    await sleep(20);
  }
  return first ?? 0;
}

/** CPU time of a process, all its threads, in nanoseconds (from schedstat; 0 when gone). */
export function cpuNs(pid: number): number {
  let total = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
      } catch {
        // thread gone
      }
    }
  } catch {
    // process gone
  }
  return total;
}

/** A run's processes: the tool's own, per-child `sh -c` wrappers, and the workload itself. */
export interface Classified {
  readonly tool: Proc[];
  readonly wrappers: Proc[];
  readonly workload: Proc[];
}

/**
 * Splits the processes of a run: the token's, plus descendants of `helpers` roots that do not
 * carry it (procs' spawner and guardian run with a minimal environment). Workload: `sleep` and the workload
 * scripts; wrappers: `sh -c …` parents; the tool: everything else.
 */
export function classify(token: string, roots: readonly number[] = []): Classified {
  const procs = allProcs();
  const tagged = procs.filter((p) => p.pid !== process.pid && hasToken(p.pid, token));
  const seen = new Set(tagged.map((p) => p.pid));
  const all = [...tagged];
  for (const root of roots)
    for (const d of [...procs.filter((p) => p.pid === root), ...descendantsOf(root, procs)]) {
      if (!seen.has(d.pid)) {
        seen.add(d.pid);
        all.push(d);
      }
    }
  const out: Classified = { tool: [], wrappers: [], workload: [] };
  for (const p of all) {
    const cmd = cmdline(p.pid);
    // The program itself or the script its interpreter runs: argv[0] or argv[1], not a later argument.
    const program = cmd.split(' ', 2).join(' ');
    if (p.comm === 'sleep') out.workload.push(p);
    else if (/^\S*sh -c /.test(cmd) && !cmd.includes('procs-guardian')) out.wrappers.push(p);
    else if (program.includes('/bench/workloads/')) out.workload.push(p);
    else out.tool.push(p);
  }
  return out;
}
