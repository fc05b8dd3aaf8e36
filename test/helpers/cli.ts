// Runs the built `procs` command as a user would, in a temporary project folder, and checks
// afterwards that nothing it started is still alive: every process of a run carries a tag in
// its environment, so even a descendant that left its process group is found.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The `procs` command as users run it: the bundle the package's `bin` points at. */
export const MAIN = join(ROOT, 'dist/bin/procs.js');
export const FIXTURES = join(ROOT, 'fixtures');
export const BIN = join(FIXTURES, 'bin');

/** A throwaway project folder with the given files (path → content). */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'procs-test-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Pids of live (non-zombie) processes whose environment holds `PROCS_TEST_TAG=tag`. */
export function taggedProcesses(tag: string): number[] {
  const needle = `PROCS_TEST_TAG=${tag}`;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') continue;
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (env.split('\0').includes(needle)) out.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return out;
}

export interface Run {
  readonly child: ChildProcess;
  readonly tag: string;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout line matching, or rejects after `timeoutMs`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves once `n` stdout lines match, or rejects after `timeoutMs`. */
  waitForCount(re: RegExp, n: number, timeoutMs?: number): Promise<void>;
  /** Resolves with procs' exit code (or 128+N for a signal). */
  readonly exited: Promise<number>;
  text(): string;
}

const runs: Run[] = [];
const scratchDirs: string[] = [];

// Whatever happens in a test file, nothing it started survives it: procs and every tagged
// process; and the project folders it made are removed.
after(() => {
  for (const run of runs) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    leftovers(run);
  }
  scratchDirs.splice(0).forEach(removeProject);
});

/** A project folder with `procs.yaml` (and other files), removed at the end of the test file. */
export function specProject(yaml: string, files: Record<string, string> = {}): string {
  const dir = project({ 'procs.yaml': yaml, ...files });
  scratchDirs.push(dir);
  return dir;
}

/** Starts `procs ARGS` in `cwd` with a fresh tag; output is collected line by line. */
export function procs(args: string[], opts: { cwd: string; env?: Record<string, string> }): Run {
  const tag = randomUUID();
  // A CI job's own variables would make every procs here write into the job's step summary or
  // fold its output: tests that want them pass them in `opts.env`.
  const inherited: Record<string, string | undefined> = { ...process.env };
  for (const name of ['GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'GITLAB_CI']) delete inherited[name];
  const env: Record<string, string | undefined> = { ...inherited, PROCS_TEST_TAG: tag, NO_COLOR: '1', ...opts.env };
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const counters: { re: RegExp; left: number; resolve: () => void }[] = [];
  const collect = (stream: NodeJS.ReadableStream, into: string[], notify: boolean): void => {
    let tail = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (tail + chunk).split('\n');
      tail = parts.pop() ?? '';
      for (const line of parts) {
        into.push(line);
        if (!notify) continue;
        for (const c of [...counters]) {
          if (c.re.test(line) && --c.left <= 0) {
            counters.splice(counters.indexOf(c), 1);
            c.resolve();
          }
        }
        for (const w of [...waiters]) {
          if (w.re.test(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    });
    stream.on('end', () => {
      if (tail) into.push(tail);
    });
  };
  if (child.stdout) collect(child.stdout, stdout, true);
  if (child.stderr) collect(child.stderr, stderr, false);
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2)));
  });
  const run: Run = {
    child,
    tag,
    stdout,
    stderr,
    exited,
    text: () => [...stdout, ...stderr].join('\n'),
    waitForCount(re, n, timeoutMs = 60_000) {
      const left = n - stdout.filter((l) => re.test(l)).length;
      if (left <= 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${n} lines like ${re}`)), timeoutMs);
        counters.push({
          re,
          left,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
        void exited.then(() => {
          clearTimeout(t);
          reject(new Error(`procs exited before ${n} lines like ${re}; output:\n${[...stdout, ...stderr].slice(-40).join('\n')}`));
        });
      });
    },
    waitFor(re, timeoutMs = 30_000) {
      const found = stdout.find((l) => re.test(l));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output so far:\n${[...stdout, ...stderr].join('\n')}`)), timeoutMs);
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(t);
            resolve(l);
          },
        });
        void exited.then(() => {
          const again = stdout.find((l) => re.test(l));
          clearTimeout(t);
          if (again !== undefined) resolve(again);
          else reject(new Error(`procs exited before ${re}; output:\n${[...stdout, ...stderr].join('\n')}`));
        });
      });
    },
  };
  runs.push(run);
  return run;
}

/** Kills whatever a run left behind and returns how many there were (0 is the only good answer). */
export function leftovers(run: Run): number {
  const pids = taggedProcesses(run.tag);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids.length;
}

/** Waits until procs has exited, then asserts nothing it started survives (polling /proc briefly). */
export async function assertClean(run: Run, timeoutMs = 5000): Promise<void> {
  await run.exited;
  const deadline = Date.now() + timeoutMs;
  while (taggedProcesses(run.tag).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const n = leftovers(run);
  if (n > 0) throw new Error(`${n} process(es) outlived procs`);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Events written to a project's `.procs/events.ndjson`, parsed. */
export function readEvents(dir: string): ({ type: string; unit: string; state?: string } & Record<string, unknown>)[] {
  const text = readFileSync(join(dir, '.procs/events.ndjson'), 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((l) => JSON.parse(l) as { type: string; unit: string });
}
