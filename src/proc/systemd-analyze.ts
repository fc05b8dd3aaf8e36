// `systemd-analyze verify` over unit files, for `procs export systemd --check`: the files are
// written to a private temporary folder (units name each other by file name, so they are checked
// together), verified there, and the folder removed. Absent on machines without systemd.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface UnitFile {
  readonly path: string;
  readonly content: string;
}

export interface SystemdVerify {
  /** False when systemd-analyze is not on this machine (nothing was checked). */
  readonly available: boolean;
  /** What it said about the files, one line each, the temporary folder taken out of the paths. */
  readonly problems: readonly string[];
}

/** Runs a program; its exit code and output (or undefined when it cannot be started). */
function run(file: string, args: readonly string[], timeoutMs: number): Promise<{ code: number; output: string } | undefined> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, SYSTEMD_LOG_COLOR: '0', SYSTEMD_PAGER: '' } },
      (err, stdout, stderr) => {
        const code = err && typeof err.code === 'number' ? err.code : err ? -1 : 0;
        if (err && typeof err.code === 'string') resolve(undefined);
        else resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/**
 * Verifies unit files (`.service`, `.socket`, `.timer`, `.target`) with systemd-analyze. Lines
 * about a command missing on this machine are left out: where the units run is another machine.
 */
export async function verifyUnitFiles(files: readonly UnitFile[], opts: { user?: boolean; timeoutMs?: number } = {}): Promise<SystemdVerify> {
  const units = files.filter((f) => /\.(service|socket|timer|target)$/.test(f.path));
  const probe = await run('systemd-analyze', ['--version'], 10_000);
  if (!probe || probe.code !== 0) return { available: false, problems: [] };
  if (units.length === 0) return { available: true, problems: [] };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'procs-verify-'));
  try {
    for (const f of units) await writeFile(path.join(dir, path.basename(f.path)), f.content, { mode: 0o600 });
    const args = [...(opts.user ? ['--user'] : []), 'verify', '--man=no', ...units.map((f) => path.join(dir, path.basename(f.path)))];
    const r = await run('systemd-analyze', args, opts.timeoutMs ?? 60_000);
    const lines = (r?.output ?? 'systemd-analyze could not be run')
      .split('\n')
      .map((l) => l.replaceAll(`${dir}/`, ''))
      .filter((l) => l.trim() !== '' && !/Command .* is not executable/.test(l));
    return { available: true, problems: lines };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
