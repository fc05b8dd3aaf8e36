// Shared by the config tests: fixture paths, a fixed environment, an in-memory reader, temp folders.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadFile } from '../../src/config/context.js';
import { buildSpec, type CoreResult } from '../../src/config/core.js';
import { formatDiagnostic } from '../../src/config/index.js';
import type { ProcessUnit, Spec, UnitSpec } from '../../src/config/spec.js';

/** The repository's fixtures folder (tests run from dist/test/config). */
export const FIXTURES = fileURLToPath(new URL('../../../fixtures/specs/', import.meta.url));

/** A small, fixed inherited environment, so that results do not depend on the machine. */
export const ENV: Readonly<Record<string, string>> = { PATH: '/usr/bin:/bin', HOME: '/home/dev', LANG: 'C.UTF-8' };

/** A reader over in-memory files (absolute paths), for the pure core. */
export function memoryReader(files: Readonly<Record<string, string>>): ReadFile {
  return (file) => {
    const text = files[file];
    return text === undefined ? { ok: false, missing: true, reason: 'no such file' } : { ok: true, text };
  };
}

/** Runs the core over in-memory texts; the first file's folder is /project. */
export function build(
  texts: Readonly<Record<string, string>>,
  opts: { files?: string[]; env?: Record<string, string | undefined>; formation?: Record<string, number> } = {},
): CoreResult {
  const abs = Object.fromEntries(Object.entries(texts).map(([k, v]) => [path.resolve('/project', k), v]));
  const files = (opts.files ?? [Object.keys(texts)[0]!]).map((f) => path.resolve('/project', f));
  return buildSpec({ files, readFile: memoryReader(abs), env: opts.env ?? ENV, formation: opts.formation });
}

/** The spec of a result, failing with the formatted diagnostics when there is none. */
export function specOf(r: CoreResult): Spec {
  if (!r.spec) throw new Error(`no spec:\n${lines(r)}`);
  return r.spec;
}

/** The diagnostics of a result as lines, relative to /project. */
export function lines(r: CoreResult, cwd = '/project'): string {
  return r.diagnostics.map((d) => formatDiagnostic(d, cwd)).join('\n');
}

/** A unit by name. */
export function unit(spec: Spec, name: string): UnitSpec {
  const u = spec.units.find((x) => x.name === name);
  if (!u) throw new Error(`no unit ${name} in ${spec.units.map((x) => x.name).join(', ')}`);
  return u;
}

/** A process or instance unit by name. */
export function proc(spec: Spec, name: string): ProcessUnit {
  const u = unit(spec, name);
  if (u.kind === 'pipeline') throw new Error(`${name} is a pipeline`);
  return u;
}

/** A temporary folder holding the given files; returns its path and a function removing it. */
export function tempTree(files: Readonly<Record<string, string>>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'procs-config-'));
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
