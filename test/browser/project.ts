// A real project for a browser test: a temporary folder with a procs.yaml, started with the real
// CLI (`procs up -d --ui --no-open`), its dashboard's URL read from what the command prints, and
// brought down after the test (`procs down`, then anything still tagged is killed and counted).
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { tempProject, type Proj } from '../control/helpers.js';
import { BIN } from '../helpers/cli.js';

export const NODE = JSON.stringify(process.execPath);

/** A YAML command list running a fixture of fixtures/bin with its arguments. */
export function fixture(name: string, ...args: (string | number)[]): string {
  return `[${[NODE, JSON.stringify(`${BIN}/${name}`), ...args.map((a) => JSON.stringify(String(a)))].join(', ')}]`;
}

/** A unit that idles until it is stopped. */
export const IDLE = `[${NODE}, -e, "setInterval(() => {}, 1 << 30)"]`;

export interface DashProject {
  readonly proj: Proj;
  /** `http://127.0.0.1:PORT/?token=T`, as printed. */
  readonly url: string;
}

/** The dashboard URL a line of `procs: dashboard: URL` (stderr of `up --ui`) holds. */
function urlIn(stderr: string): string {
  const m = /^procs: dashboard: (http:\/\/\S+)$/m.exec(stderr);
  assert.ok(m?.[1], `no dashboard line in:\n${stderr}`);
  return m[1];
}

/**
 * Starts the project `yaml` with `procs up -d --wait --ui --no-open` (every unit up first; with
 * `wait: false`, without --wait) and brings it down when the test ends; fails the test when any
 * of its processes outlives it.
 */
export async function startProject(t: TestContext, yaml: string, { wait = true } = {}): Promise<DashProject> {
  const proj = tempProject({ 'procs.yaml': yaml });
  t.after(async () => {
    assert.equal(await proj.cleanup(), 0, `processes outlived the test in ${proj.dir}`);
  });
  const up = await proj.run(['up', '-d', ...(wait ? ['--wait'] : []), '--ui', '--no-open']);
  assert.equal(up.code, 0, `procs up failed:\n${up.stdout}\n${up.stderr}`);
  return { proj, url: urlIn(up.stderr) };
}

/** `procs dashboard --no-open`: the URL it prints alone on stdout. */
export async function dashboardUrl(proj: Proj): Promise<string> {
  const r = await proj.run(['dashboard', '--no-open']);
  assert.equal(r.code, 0, `procs dashboard failed:\n${r.stderr}`);
  const url = r.stdout.trim();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/);
  return url;
}

/** The URL with more query parameters (the page keeps them; the token is traded for a cookie). */
export function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** `procs ps --json`'s units: name, state, pid. */
export async function psUnits(proj: Proj): Promise<{ name: string; state: string; pid?: number }[]> {
  const r = await proj.run(['ps', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { units: { name: string; state: string; pid?: number }[] }).units;
}
