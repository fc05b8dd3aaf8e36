// A Node 20 from the npm registry (the `node` package), installed once into node_modules/.cache
// and kept for later runs. The registry must answer the first time: without it the tests that
// need an old Node fail, they do not skip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

const DIR = join(ROOT, 'node_modules/.cache/procs-test-node20');

/** The path of a Node 20 executable; installs it on first use, throws when that fails. */
export function node20(): string {
  const bin = join(DIR, 'node_modules/.bin/node');
  if (existsSync(bin)) return bin;
  const r = spawnSync('npm', ['install', '--prefix', DIR, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', 'node@20'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0 || !existsSync(bin)) {
    throw new Error(`could not install node@20 from the npm registry into ${DIR}: ${r.error?.message ?? r.stderr}`);
  }
  return bin;
}
