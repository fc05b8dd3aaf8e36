// Driving a real daemon from tests: a temporary project whose every process (the `up -d`
// client, the daemon, its units, each later command) carries one env tag, commands run as a
// user runs them, and a cleanup that brings the project down and kills by tag whatever is left.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { procs, project, removeProject, taggedProcesses } from '../helpers/cli.js';

export const NODE = JSON.stringify(process.execPath);

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Proj {
  readonly dir: string;
  readonly tag: string;
  /** Runs `procs ARGS` in the project and collects its output. */
  run(args: string[], env?: Record<string, string>): Promise<Result>;
  /** Events written to `.procs/events.ndjson`. */
  events(): Ev[];
  /** `down`, then SIGKILL to anything tagged; returns how many processes were left to kill. */
  cleanup(): Promise<number>;
}

export interface Ev {
  readonly type: string;
  readonly unit: string;
  readonly state?: string;
  readonly actions?: string[];
  readonly errors?: string[];
  readonly replicas?: number;
  readonly pid?: number;
}

/** A project folder with these files (procs.yaml among them) and a fresh tag. */
export function tempProject(files: Record<string, string>, dir?: string): Proj {
  const root = dir ?? project(files);
  if (dir) for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const tag = randomUUID();
  const run = async (args: string[], env: Record<string, string> = {}): Promise<Result> => {
    const r = procs(args, { cwd: root, env: { PROCS_TEST_TAG: tag, ...env } });
    const code = await r.exited;
    return { code, stdout: r.stdout.join('\n'), stderr: r.stderr.join('\n') };
  };
  return {
    dir: root,
    tag,
    run,
    events: () => readEvents(root),
    async cleanup() {
      if (existsSync(join(root, '.procs/procs.pid'))) await run(['down', '--timeout', '1s']);
      const left = await settle(tag);
      removeProject(root);
      return left;
    },
  };
}

/** Waits briefly for tagged processes to go, then kills the rest; returns how many were killed. */
export async function settle(tag: string, ms = 3000): Promise<number> {
  await waitUntil(() => taggedProcesses(tag).length === 0, ms).catch(() => undefined);
  const pids = taggedProcesses(tag);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return pids.length;
}

/** Parsed `.procs/events.ndjson` (empty when there is none yet). */
export function readEvents(dir: string): Ev[] {
  const file = join(dir, '.procs/events.ndjson');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Ev);
}

/** Resolves once `cond()` holds (checked every 25 ms), or rejects after `ms` naming `what`. */
export async function waitUntil(cond: () => boolean, ms = 20_000, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** True when the process is alive (and not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** `ps --json` of the project, parsed. */
export async function psJson(p: Proj): Promise<{ project: string; units: PsUnit[] }> {
  const r = await p.run(['ps', '--json']);
  if (r.code !== 0) throw new Error(`ps --json exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { project: string; units: PsUnit[] };
}

export interface PsUnit {
  readonly name: string;
  readonly kind: string;
  readonly pool: string | null;
  readonly state: string;
  readonly pid: number | null;
  readonly restarts: number;
  readonly started_at: string | null;
  readonly exit: { readonly code: number | null; readonly signal: string | null };
  readonly health: { readonly readiness: string | null; readonly liveness: string | null };
}
