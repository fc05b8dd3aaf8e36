// procs' version, from its package.json (verbose-version.ts: with --verbose, what it runs on).
import { readFileSync } from 'node:fs';
import { packageFile } from '../self.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
