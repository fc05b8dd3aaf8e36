// Daemons the command scenarios talk to: procs detached (`procs up -d --wait`) and the PM2
// daemon (`pm2 start ecosystem.json`), each holding the same children in a run folder, with a
// way to time one of its commands and a stop the way its user would (`procs down`, `pm2 kill`).
// Every process started here carries the run's token, so the run's cleanup kills what is left.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR } from './paths.js';
import { TOKEN_VAR } from './procfs.js';
import type { RunContext } from './run.js';
import { type ChildSpec, writeProcsSpec } from './tools.js';

const NODE = process.execPath;
/** PM2's command line, from the peers installed under bench/tmp. */
export const PM2_BIN = join(PEERS_DIR, 'node_modules', 'pm2/bin/pm2');

/** One finished command: its wall time, status and output. */
export interface Timed {
  /** performance.now() just before the spawn. */
  readonly started: number;
  /** performance.now() when the process had exited and its output was closed. */
  readonly ended: number;
  readonly ms: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running daemon of one tool. */
export interface Daemon {
  readonly name: string;
  /** Runs one of the tool's commands (`ps`, `jlist`, `restart c42`…) against the daemon, timed. */
  run(args: readonly string[], timeoutMs?: number): Promise<Timed>;
  /** Stops the daemon and its children the way its user would. */
  stop(): Promise<Timed>;
}

/** Runs `file args` in `cwd` with the run's token and extra env; resolves when it has exited. */
export function timed(file: string, args: readonly string[], cwd: string, env: Record<string, string>, timeoutMs = 60_000): Promise<Timed> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(file, args, { cwd, env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4096)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => (stderr += `\nspawn error: ${e.message}`));
    child.on('close', (status) => {
      clearTimeout(timer);
      const ended = performance.now();
      resolve({ started, ended, ms: ended - started, status, stdout, stderr });
    });
  });
}

/** Fails with the command's last words unless it exited 0. */
export function ok(what: string, t: Timed): Timed {
  if (t.status !== 0) throw new Error(`${what} exited ${String(t.status)}: ${t.stderr.slice(-600)}`);
  return t;
}

// A shell word for a plain path or argument (single-quoted when it needs it).

/**
 * procs (its command line `main`) detached in `dir`: writes procs.yaml for the children (or uses
 * the spec already there when `children` is undefined) and returns once `up -d --wait` has.
 */
export async function procsDaemon(
  ctx: RunContext,
  name: string,
  main: string,
  children: readonly ChildSpec[] | undefined,
  dir = ctx.dir,
): Promise<Daemon & { readonly up: Timed }> {
  mkdirSync(dir, { recursive: true });
  if (children !== undefined) writeProcsSpec({ dir, children });
  const env = { [TOKEN_VAR]: ctx.token };
  const run = (args: readonly string[], timeoutMs?: number): Promise<Timed> => timed(NODE, [main, ...args, '--no-color'], dir, env, timeoutMs);
  const up = ok(`${name} up -d --wait`, await run(['up', '-d', '--wait'], 120_000));
  return { name, up, run, stop: () => run(['down'], 120_000) };
}

/** The PM2 daemon in its own PM2_HOME inside the run folder, started with one app per child. */
export async function pm2Daemon(ctx: RunContext, children: readonly ChildSpec[]): Promise<Daemon> {
  const home = join(ctx.dir, 'pm2home');
  mkdirSync(home, { recursive: true });
  const apps = children.map((c) => ({ name: c.name, script: c.argv[0], args: c.argv.slice(1), interpreter: 'none', cwd: ctx.dir }));
  writeFileSync(join(ctx.dir, 'ecosystem.json'), JSON.stringify({ apps }));
  const env = { [TOKEN_VAR]: ctx.token, PM2_HOME: home };
  const run = (args: readonly string[], timeoutMs?: number): Promise<Timed> => timed(NODE, [PM2_BIN, ...args], ctx.dir, env, timeoutMs);
  ok('pm2 start', await run(['start', 'ecosystem.json'], 120_000));
  return { name: 'pm2', run, stop: () => run(['kill'], 60_000) };
}

/** Whether PM2 is installed among the peers. */
export const pm2Missing = (): string | undefined => (existsSync(PM2_BIN) ? undefined : 'npm install of pm2 failed');
