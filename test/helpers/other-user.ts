// Running procs as another user (nobody, through setpriv) from any checkout: a clone in a folder
// other users cannot enter (`mkdir -m 700`, as home folders are on several distributions) holds
// a bundle, and maybe a node binary under node_modules, that nobody cannot load. asNobody()
// copies what the other user runs (the bundle in dist/bin and package.json beside it; node when
// it lies behind such a folder) to a readable temporary folder, removed after the test.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { after } from 'node:test';
import { ROOT } from './cli.js';

/** True when setpriv can switch users here (it needs root). */
export const canSwitchUser = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;

/** Runs node as nobody: `procs` in args stands for the bundle. */
export type AsNobody = (args: readonly string[], opts: { cwd: string; env?: Record<string, string> }) => { status: number | null; out: string };

/** True when every folder above `path` lets others through and others may read and run it. */
export function reachableByOthers(path: string): boolean {
  if ((statSync(path).mode & 0o005) !== 0o005) return false;
  for (let d = dirname(path); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === parse(d).root) return true;
  }
}

/** Makes a copy readable (and, if its owner may run it, runnable) by others. */
function openUp(path: string): void {
  const mode = statSync(path).mode & 0o777;
  chmodSync(path, mode | 0o444 | (mode & 0o100 ? 0o111 : 0));
}

/** The node binary as another user can run it: this one, a hard link to it (instant) or a copy. */
function nodeFor(dir: string): string {
  if (reachableByOthers(process.execPath)) return process.execPath;
  const node = join(dir, 'node');
  if ((statSync(process.execPath).mode & 0o005) === 0o005) {
    try {
      linkSync(process.execPath, node);
      return node;
    } catch {
      // another file system: copied below
    }
  }
  copyFileSync(process.execPath, node);
  chmodSync(node, 0o755);
  return node;
}

/**
 * Copies what nobody needs into a readable temporary folder (removed after the calling test or
 * file) and returns a runner: node as nobody (no groups, via setpriv), in `cwd`, with only PATH
 * and the given env.
 */
export function asNobody(): AsNobody {
  const dir = mkdtempSync(join(tmpdir(), 'procs-other-user-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  if (!reachableByOthers(dir)) throw new Error(`${dir} is not reachable by other users: set TMPDIR to a folder they may enter`);
  mkdirSync(join(dir, 'dist/bin'), { recursive: true, mode: 0o755 });
  for (const name of readdirSync(join(ROOT, 'dist/bin'))) {
    // Files only: the dashboard's page (a folder) is not what these tests run.
    if (!statSync(join(ROOT, 'dist/bin', name)).isFile()) continue;
    copyFileSync(join(ROOT, 'dist/bin', name), join(dir, 'dist/bin', name));
    openUp(join(dir, 'dist/bin', name));
  }
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  openUp(join(dir, 'package.json'));
  const node = nodeFor(dir);
  const main = join(dir, 'dist/bin/procs.js');
  return (args, opts) => {
    const argv = args.map((a) => (a === 'procs' ? main : a));
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', node, ...argv], {
      cwd: opts.cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...opts.env },
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}` };
  };
}
