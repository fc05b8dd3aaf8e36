// `systemd-analyze verify` over unit files, for `procs export systemd --check`: the files are
// written to a private temporary folder (units name each other by file name, so they are checked
// together), verified there, and the folder removed. Absent on machines without systemd.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  /** The systemd version that verified them (252), when known. */
  readonly version?: number;
  /** Set when user units could not be verified as such here (no user manager): verified as system units. */
  readonly fallback?: string;
}

/** Keys newer than some systemd still in use, with the version that knows them: older ones ignore them with a warning. */
const NEWER_KEYS: Readonly<Record<string, number>> = { RestartSteps: 254, RestartMaxDelaySec: 254 };

/** What verify printed, as problems: the folder taken out, lines about the machine (a missing command) and about keys newer than this systemd left out. */
export function verifyProblems(output: string, dir: string, version: number | undefined): string[] {
  return output
    .split('\n')
    .map((l) => l.replaceAll(`${dir}/`, ''))
    .filter((l) => {
      if (l.trim() === '' || /Command .* is not executable/.test(l)) return false;
      const key = /Unknown key '([A-Za-z]+)' in section/.exec(l)?.[1];
      const since = key === undefined ? undefined : NEWER_KEYS[key];
      return !(since !== undefined && version !== undefined && version < since);
    });
}

/** The version number in `systemd-analyze --version` (`systemd 252 (252.39-1)`). */
export function systemdVersion(text: string): number | undefined {
  const m = /^systemd (\d+)/.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** A user manager cannot start here (no runtime folder, no session bus): nothing to do with the files. */
const NO_USER_MANAGER = /Failed to initialize manager|Failed to lookup RuntimeDirectory|Failed to connect to bus/;

/** Whether a file is one systemd verifies: a service, socket, timer or target unit. */
export function isUnitFile(file: string): boolean {
  return /\.(service|socket|timer|target)$/.test(file);
}

/** Runs a program; its exit code and output (or undefined when it cannot be started). */
function run(
  file: string,
  args: readonly string[],
  timeoutMs: number,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; output: string } | undefined> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, SYSTEMD_LOG_COLOR: '0', SYSTEMD_PAGER: '', ...extraEnv } },
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
 * User units are verified by a user manager given a private runtime folder inside the temporary
 * one (it needs one, and a container or a root shell has none); where even that cannot start,
 * they are verified as system units and `fallback` says so.
 */
export async function verifyUnitFiles(files: readonly UnitFile[], opts: { user?: boolean; timeoutMs?: number } = {}): Promise<SystemdVerify> {
  const units = files.filter((f) => isUnitFile(f.path));
  const probe = await run('systemd-analyze', ['--version'], 10_000);
  if (!probe || probe.code !== 0) return { available: false, problems: [] };
  const version = systemdVersion(probe.output);
  const known = version === undefined ? {} : { version };
  if (units.length === 0) return { available: true, problems: [], ...known };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'procs-verify-'));
  try {
    for (const f of units) await writeFile(path.join(dir, path.basename(f.path)), f.content, { mode: 0o600 });
    const paths = units.map((f) => path.join(dir, path.basename(f.path)));
    const verify = async (user: boolean): Promise<string> => {
      const runtime = path.join(dir, '.runtime');
      if (user) await mkdir(runtime, { mode: 0o700 });
      const args = [...(user ? ['--user'] : []), 'verify', '--man=no', ...paths];
      const r = await run('systemd-analyze', args, opts.timeoutMs ?? 60_000, user ? { XDG_RUNTIME_DIR: runtime } : {});
      return r?.output ?? 'systemd-analyze could not be run';
    };
    let output = await verify(opts.user === true);
    let fallback: string | undefined;
    if (opts.user === true && NO_USER_MANAGER.test(output)) {
      fallback = 'no user manager can start here: verified as system units';
      output = await verify(false);
    }
    return { available: true, problems: verifyProblems(output, dir, version), ...known, ...(fallback ? { fallback } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
